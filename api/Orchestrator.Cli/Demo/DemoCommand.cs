using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Commands;
using Orchestrator.Client;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// `orchestrator demo`: one complete governed run driven through the HTTP API as different people, the
/// auditor's verification and offline bundle check, then the operate part (drift, retrain, decommission).
/// Exit 0 only when every step happened and everything verified; otherwise one line naming the failed
/// step, what was reached, and exit code 1 (5 when the API cannot be reached).
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model name (default: a fresh demo-shapes-<time> so the demo starts from nothing)." };
        var policy = new Option<string>("--policy") { Description = "Policy the runs pin.", DefaultValueFactory = _ => "demo" };
        var images = new Option<int>("--images") { Description = "Images in the synthetic dataset.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic dataset.", DefaultValueFactory = _ => 11 };
        var output = new Option<string?>("--output") { Description = "Directory for the export bundles (default: .local/demo of this checkout)." };
        var keyPath = new Option<string?>("--key-path") { Description = "The service's development signing key (default: .local/dev-signing.key of this checkout)." };
        var timeout = new Option<int>("--stage-timeout") { Description = "Minutes a run may take to reach each awaited stage.", DefaultValueFactory = _ => 15 };
        var skipOperate = new Option<bool>("--skip-operate") { Description = "Stop after the governed run and the audit (no drift, retrain or decommission)." };
        var command = new Command("demo", "Drive one governed run end to end through the API as alice, bob, carol and dave; then drift, retrain and decommission.")
        {
            model, policy, images, seed, output, keyPath, timeout, skipOperate,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = parse.GetValue(keyPath) ?? DevelopmentTokens.DefaultKeyPath();
            var options = new DemoOptions(
                parse.GetValue(model) ?? $"demo-shapes-{DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture)}",
                parse.GetValue(policy)!,
                parse.GetValue(images),
                parse.GetValue(seed),
                parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(key)!, "demo"),
                TimeSpan.FromMinutes(parse.GetValue(timeout)),
                !parse.GetValue(skipOperate));
            try
            {
                using var people = DemoPeople.Create(parse.GetValue(CliContext.Api), key, CliContext.Handler);
                return await new DemoScenario(people, new DemoLog(CliContext.Out), options).RunAsync(cancellationToken);
            }
            catch (CliException e)
            {
                CliContext.Error.WriteLine($"orchestrator demo: {e.Message}");
                return e.ExitCode;
            }
        });
        return command;
    }
}
