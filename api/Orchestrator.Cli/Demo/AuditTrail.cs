using System.Diagnostics;
using Orchestrator.Audit.Export;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// The auditor's part: verify the run's and the model's streams in the service, export both as a signed
/// bundle, download it, and verify it offline with the same verifier as `audit verify-bundle`.
/// </summary>
public sealed class AuditTrail(DemoPeople people, DemoLog log, DemoOptions options)
{
    /// <summary>Verifies, exports to audit-bundle-{model}{suffix}.zip and verifies offline.</summary>
    public async Task<AuditResult> RunAsync(IReadOnlyList<string> runIds, string suffix, CancellationToken cancellationToken)
    {
        var streams = runIds.Select(r => $"run-{r}").Append(options.ModelStream).ToList();
        await log.StepAsync($"dave (auditor) verifies the hash chains and signed checkpoints of {string.Join(", ", streams)}", async () =>
        {
            foreach (var stream in streams)
            {
                var report = await people.Dave.PostAsync("/api/audit/verify", new { streamId = stream }, cancellationToken);
                var failures = report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()).ToList();
                log.Info($"{stream}: {(report.GetProperty("valid").GetBoolean() ? "VERIFIED" : "NOT VERIFIED")}, {report.GetProperty("eventsChecked").GetInt64()} events, "
                    + $"{report.GetProperty("checkpointsChecked").GetInt32()} checkpoints");
                if (!report.GetProperty("valid").GetBoolean())
                {
                    throw new DemoFailedException($"{stream} did not verify: {string.Join("; ", failures)}");
                }
            }
        });

        var (bundle, publicKey) = await log.StepAsync("dave exports the audit bundle and downloads it", () => ExportAsync(streams, suffix, cancellationToken));

        var verification = await log.StepAsync("dave verifies the bundle offline (no service, no database)", async () =>
        {
            var report = await BundleVerifier.VerifyAsync(bundle, await File.ReadAllTextAsync(publicKey, cancellationToken), cancellationToken);
            var summary = $"{(report.IsValid ? "VERIFIED" : "NOT VERIFIED")}: {report.EventsChecked} events in {report.StreamsChecked} streams, {report.CheckpointsChecked} signed checkpoints";
            log.Info(summary);
            if (!report.IsValid)
            {
                throw new DemoFailedException($"the bundle {bundle} did not verify offline: {string.Join("; ", report.Failures.Take(3))}");
            }

            return summary;
        });
        return new AuditResult(bundle, publicKey, verification);
    }

    private async Task<(string Bundle, string PublicKey)> ExportAsync(List<string> streams, string suffix, CancellationToken cancellationToken)
    {
        var job = await people.Dave.PostAsync("/api/audit/export", new { streamIds = streams }, cancellationToken);
        var id = Str(job, "exportId")!;
        var clock = Stopwatch.StartNew();
        while (Str(job, "status") == "pending")
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new DemoFailedException($"export {id} is still pending after 5 minutes");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            job = await people.Dave.GetAsync($"/api/audit/exports/{id}", cancellationToken);
        }

        if (Str(job, "status") != "completed")
        {
            throw new DemoFailedException($"export {id} failed: {Str(job, "error")}");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var bundle = Path.GetFullPath(Path.Combine(options.OutputDirectory, $"audit-bundle-{options.Model}{suffix}.zip"));
        await people.Dave.DownloadAsync($"/api/audit/exports/{id}/bundle", bundle, cancellationToken);
        var publicKey = Path.ChangeExtension(bundle, ".public-key.pem");
        await File.WriteAllTextAsync(publicKey, await people.Dave.GetTextAsync("/api/audit/public-key", cancellationToken), cancellationToken);
        log.Info($"export {id}: {Str(job, "eventCount")} events, sha256 {Str(job, "sha256")}");
        log.Info($"bundle:     {bundle}");
        log.Info($"public key: {publicKey} (fetched from the service separately from the bundle)");
        return (bundle, publicKey);
    }
}
