using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// The governed run, driven through the API as the people who would do each part: alice registers the
/// synthetic dataset and starts the run; bob and carol read the evidence report and approve; alice's own
/// approval is refused; canary traffic flows to the predict endpoint until the version is promoted.
/// </summary>
public sealed class GovernedRun(DemoPeople people, DemoLog log, DemoOptions options)
{
    private static readonly string[] AlsoShown = ["model-card.md", "evaluation-evidence"];

    public async Task<GovernedRunResult> RunAsync(CancellationToken cancellationToken)
    {
        await log.StepAsync($"alice (ml-engineer) registers the synthetic dataset '{options.Dataset}' ({options.Images} images, seed {options.Seed})", async () =>
        {
            var source = new
            {
                kind = "synthetic",
                parameters = new Dictionary<string, string> { ["count"] = Invariant(options.Images), ["seed"] = Invariant(options.Seed) },
                licence = "CC0-1.0", consent = "synthetic data, no people depicted", retention = "P7Y",
            };
            var stored = await people.Alice.PostAsync("/api/datasets", new { name = options.Dataset, source, description = "Synthetic shapes for the demo" }, cancellationToken);
            log.Info($"registered by {Str(stored, "registeredBy")} at {Str(stored, "registeredAt")}");
        });

        var runId = await log.StepAsync($"alice starts a governed run of model '{options.Model}' under policy '{options.Policy}'", async () =>
        {
            var accepted = await people.Alice.PostAsync("/api/runs",
                new { modelName = options.Model, datasetName = options.Dataset, policy = new { name = options.Policy } }, cancellationToken, $"demo-{options.Model}-first-run");
            log.Info($"run {Str(accepted, "runId")}, workflow {Str(accepted, "workflowId")}, policy {Str(accepted, "policyVersion")}");
            return Str(accepted, "runId")!;
        });

        var waiting = await log.StepAsync("the run acquires, annotates, passes the QC gate, trains and passes the evaluation gate", () =>
            RunProgress.UntilAsync(people.Alice, log, runId, d => RunProgress.Stage(d) == "awaiting-approval", options.RunTimeout, cancellationToken));
        var version = DemoApi.Whole(waiting.GetProperty("run"), "modelVersion") ?? throw new DemoFailedException($"run {runId} awaits approval but names no model version");
        var evidence = Str(waiting, "pendingApprovalEvidenceDigest")!;

        var report = await log.StepAsync($"bob and carol (approvers) fetch the evidence report of version {version}", () => EvidenceReportAsync(version, cancellationToken));
        await Approvals.SignAsync(people, log, runId, version, evidence, cancellationToken);

        var traffic = new CanaryTraffic(people.Alice, options.Model, new DemoImages(options.Seed + 1000, 0), batch: 1, requests: DemoOptions.CanaryRequests);
        await log.StepAsync($"canary: version {version} is deployed; real traffic goes to the predict endpoint until it is judged", async () =>
        {
            var (production, canary) = await traffic.UntilRunCompletesAsync(log, runId, options.RunTimeout, cancellationToken);
            if (production != version || canary is not null)
            {
                throw new DemoFailedException($"the run completed but production is version {production?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} (canary {canary?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}), not {version}");
            }

            if (traffic.CanaryServed(version) == 0)
            {
                throw new DemoFailedException($"version {version} was promoted but served no canary request, so its health was not judged on traffic");
            }

            log.Info($"version {version} promoted to production after serving {traffic.CanaryServed(version)} canary predictions");
        });
        return new GovernedRunResult(runId, version, report);
    }

    /// <summary>
    /// The evaluation's ledger entry in the model stream names the report files by digest; each approver
    /// downloads the report through GET /api/artifacts/{digest} (no storage credentials) and checks that its
    /// bytes hash to the digest the ledger recorded. The report is kept under the output directory.
    /// </summary>
    private async Task<string> EvidenceReportAsync(int version, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var path = Path.GetFullPath(Path.Combine(options.OutputDirectory, $"evidence-report-{options.Model}-v{Invariant(version)}.md"));
        var first = true;
        foreach (var (name, reviewer) in new[] { ("bob", people.Bob), ("carol", people.Carol) })
        {
            var entries = await DemoApi.StreamAsync(reviewer, options.ModelStream, cancellationToken);
            var evaluated = entries.LastOrDefault(e => Str(e, "type") == "model_evaluated" && DemoApi.Whole(e.GetProperty("data"), "version") == version);
            if (evaluated.ValueKind != JsonValueKind.Object)
            {
                throw new DemoFailedException($"the model stream has no ModelEvaluated entry for version {version}");
            }

            var files = evaluated.GetProperty("context").GetProperty("evidence").EnumerateArray()
                .ToDictionary(f => Str(f, "name")!, f => Str(f, "sha256") ?? "", StringComparer.Ordinal);
            if (!files.TryGetValue("report.md", out var sha) || sha.Length == 0)
            {
                throw new DemoFailedException($"the evaluation of version {version} names no stored evidence report");
            }

            try
            {
                var download = await reviewer.DownloadAsync($"/api/artifacts/sha256:{sha}", path, cancellationToken, expectedSha256: sha);
                log.Info($"{name} downloads the evidence report (GET /api/artifacts/sha256:{sha[..16]}...): {download.Bytes:N0} bytes, sha256 matches the ledger entry");
            }
            catch (CliException e)
            {
                throw new DemoFailedException($"{name} could not get the evidence report of version {version}: {e.Message}");
            }

            if (first)
            {
                first = false;
                foreach (var other in AlsoShown.Where(files.ContainsKey))
                {
                    log.Info($"  {other}: sha256:{files[other][..16]}... (GET /api/artifacts/sha256:{files[other]})");
                }

                var metrics = evaluated.GetProperty("data").GetProperty("metrics");
                log.Info("  metrics: " + string.Join(", ", metrics.EnumerateObject().Take(6).Select(m => $"{m.Name}={m.Value.GetDouble():0.###}")));
            }
        }

        log.Info($"report kept at {path}");
        return path;
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
