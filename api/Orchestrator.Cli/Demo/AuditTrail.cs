using System.Diagnostics;
using Orchestrator.Audit.Export;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// The auditor's part: verify the run's and the model's streams in the service, export both as a signed
/// bundle, download it, verify it offline with the same verifier as `audit verify-bundle` (with the key fetched
/// from the service, never the bundle's own), and verify the ledger again pinned to the bundle's checkpoint.
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
                await VerifyInServiceAsync(stream, null, cancellationToken);
            }
        });

        var (bundle, publicKey) = await log.StepAsync("dave exports the audit bundle and downloads it", () => ExportAsync(streams, suffix, cancellationToken));

        var verification = await log.StepAsync("dave verifies the bundle offline (no service, no database)", async () =>
        {
            var report = await BundleVerifier.VerifyAsync(bundle, await File.ReadAllTextAsync(publicKey, cancellationToken), cancellationToken);
            var summary = report.Headline();
            log.Info(summary);
            if (!report.IsValid)
            {
                throw new DemoFailedException($"the bundle {bundle} did not verify offline: {string.Join("; ", report.Failures.Take(3))}");
            }

            return (Summary: summary, Checkpoint: report.LatestCheckpoint!.Digest);
        });

        await log.StepAsync($"dave pins the bundle's checkpoint {verification.Checkpoint} and verifies the ledger against it", () =>
            VerifyInServiceAsync(streams[0], verification.Checkpoint, cancellationToken));
        return new AuditResult(bundle, publicKey, verification.Summary);
    }

    /// <summary>POST /api/audit/verify for one stream (pinned to a checkpoint when given); an unanchored tail is fine, a failure is not.</summary>
    private async Task VerifyInServiceAsync(string stream, string? anchor, CancellationToken cancellationToken)
    {
        var report = await people.Dave.PostAsync("/api/audit/verify", new { streamId = stream, anchor }, cancellationToken);
        log.Info($"{stream}: {Str(report, "summary")}");
        if (!report.GetProperty("valid").GetBoolean())
        {
            var failures = report.GetProperty("failures").EnumerateArray().Select(f => f.GetString());
            throw new DemoFailedException($"{stream} did not verify: {string.Join("; ", failures)}");
        }
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
