using Orchestrator.Cli.Client;

namespace Orchestrator.Cli.Demo;

/// <summary>The demo's parts in order, the closing summary, and the one-line failure with what was reached.</summary>
public sealed class DemoScenario(DemoPeople people, DemoLog log, DemoOptions options)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var output = CliContextWriter;
        output.WriteLine($"orchestrator demo against {people.Alice.BaseAddress}: model '{options.Model}', policy '{options.Policy}'");
        GovernedRunResult? run = null;
        AuditResult? audit = null;
        try
        {
            await log.StepAsync("the service is up and knows the people (GET /readyz, /api/me)", () => ReadyAsync(cancellationToken));
            run = await new GovernedRun(people, log, options).RunAsync(cancellationToken);
            audit = await new AuditTrail(people, log, options).RunAsync([run.RunId], "", cancellationToken);
            var operate = options.Operate ? await new OperatePart(people, log, options).RunAsync(run, cancellationToken) : null;
            if (operate is not null)
            {
                audit = await new AuditTrail(people, log, options).RunAsync([run.RunId, operate.RetrainRunId], "-after-retrain", cancellationToken);
            }

            output.WriteLine();
            output.WriteLine($"demo finished in {DemoLog.Stamp(log.Elapsed)} (mm:ss): everything verified");
            output.WriteLine($"  verification:    {audit.Verification}");
            output.WriteLine($"  evidence report: {run.ReportPath}");
            output.WriteLine($"  export bundle:   {audit.BundlePath}");
            output.WriteLine($"  public key:      {audit.PublicKeyPath}");
            // Where a person looks at what the demo did: the run and the model in the console (ADR 0034).
            output.WriteLine($"  console run:     {ConsoleUrl($"runs/{Uri.EscapeDataString(run.RunId)}")}");
            output.WriteLine($"  console model:   {ConsoleUrl($"models/{Uri.EscapeDataString(options.Model)}")}");
            if (operate is not null)
            {
                output.WriteLine($"  operate:         {operate.Summary}");
            }
            else
            {
                output.WriteLine("  operate:         skipped (--skip-operate): drift, retrain and decommission were not shown");
            }

            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is DemoFailedException or CliException)
        {
            var code = e is CliException { ExitCode: ExitCodes.Unavailable } ? ExitCodes.Unavailable : ExitCodes.Failed;
            Commands.CliContext.Error.WriteLine($"orchestrator demo: FAILED at '{log.Current ?? "start"}' after {DemoLog.Stamp(log.Elapsed)}: {e.Message}");
            Commands.CliContext.Error.WriteLine($"  reached: {(log.Reached.Count == 0 ? "nothing" : string.Join(" -> ", log.Reached.Select((s, i) => $"({i + 1}) {s}")))}");
            if (audit is not null)
            {
                Commands.CliContext.Error.WriteLine($"  before that: {audit.Verification}; evidence report {run?.ReportPath}; export bundle {audit.BundlePath}");
            }

            return code;
        }
    }

    private static TextWriter CliContextWriter => Commands.CliContext.Out;

    private string ConsoleUrl(string path) => new Uri(people.Alice.BaseAddress, "/console/" + path).ToString();

    private async Task ReadyAsync(CancellationToken cancellationToken)
    {
        await people.Alice.GetTextAsync("/readyz", cancellationToken);
        foreach (var client in new[] { people.Alice, people.Bob, people.Carol, people.Dave })
        {
            var me = await client.GetAsync("/api/me", cancellationToken);
            log.Info($"{Output.Str(me, "user")}: {string.Join(", ", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))}");
        }
    }
}
