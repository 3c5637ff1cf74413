using System.Globalization;
using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>What the operate part showed.</summary>
public sealed record OperateResult(string RetrainRunId, int NewVersion, string Summary);

/// <summary>
/// The operate part, observed only through the API: drifted images go to the predict endpoint until the
/// model's monitor records DriftDetected and RetrainRequested in the model stream; bob and carol approve the
/// retrain run; its canary is judged on traffic and promoted; after the policy's grace period the superseded
/// version is decommissioned and a predict call pinned to it gets 410 naming the successor.
/// </summary>
public sealed class OperatePart(DemoPeople people, DemoLog log, DemoOptions options)
{
    /// <summary>The generator's drift knob for the drifted traffic (0 = training distribution, 1 = strongest).</summary>
    public const double Drift = 0.8;

    /// <summary>How long the demo waits for the monitor's first measurement before it says the monitor is not there.</summary>
    public static TimeSpan FirstMeasurementTimeout { get; set; } = TimeSpan.FromMinutes(3);

    public async Task<OperateResult> RunAsync(GovernedRunResult first, CancellationToken cancellationToken)
    {
        var drifted = new CanaryTraffic(people.Alice, options.Model, new DemoImages(options.Seed + 2000, Drift), DemoOptions.Batch);
        var seenFrom = (await DemoApi.StreamAsync(people.Dave, options.ModelStream, cancellationToken)).Count;
        var retrainRunId = await log.StepAsync($"alice sends drifted images (generator drift {Drift.ToString(CultureInfo.InvariantCulture)}) to predict; the monitor measures and detects drift",
            () => DetectAsync(drifted, first.Version, seenFrom, cancellationToken));

        var retrain = await log.StepAsync($"the retrain run {retrainRunId} trains from version {first.Version}'s checkpoint and passes its gates", () =>
            RunProgress.UntilAsync(people.Alice, log, retrainRunId, d => RunProgress.Stage(d) == "awaiting-approval", options.RunTimeout, cancellationToken));
        var version = DemoApi.Whole(retrain.GetProperty("run"), "modelVersion") ?? throw new DemoFailedException($"run {retrainRunId} awaits approval but names no model version");
        var requester = Str(retrain.GetProperty("run"), "requestedBy");
        log.Info($"requested by '{requester}' (the monitor's service identity); it needs the same human approvals as any run");
        await Approvals.SignAsync(people, log, retrainRunId, version, Str(retrain, "pendingApprovalEvidenceDigest")!, cancellationToken, requesterIsAlice: false);

        // The retrain re-acquires the run's registered source, which has no drift: on drifted images the old and the
        // new version disagree (predicted-class PSI about 0.7 was seen) and the canary gate rightly rolls back. The
        // demo therefore judges the canary after the drifted source is fixed, on traffic like the training data.
        var traffic = new CanaryTraffic(people.Alice, options.Model, new DemoImages(options.Seed + 3000, 0), batch: 1, requests: DemoOptions.CanaryRequests);
        await log.StepAsync($"canary: the drifted source is fixed; version {version} takes a share of the traffic and is judged on it", async () =>
        {
            var (production, _) = await traffic.UntilRunCompletesAsync(log, retrainRunId, options.RunTimeout, cancellationToken);
            if (production != version)
            {
                throw new DemoFailedException($"the retrain run completed but production is version {production?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {version}");
            }

            log.Info($"version {version} is production; version {first.Version} is superseded");
        });

        var reason = await log.StepAsync($"after the grace period the monitor decommissions version {first.Version}", () => DecommissionedAsync(first.Version, cancellationToken));
        var gone = await log.StepAsync($"a predict call pinned to version {first.Version} is refused", () => GoneAsync(first.Version, version, cancellationToken));
        return new OperateResult(retrainRunId, version,
            $"drift detected on v{first.Version}, retrain run {retrainRunId} approved and promoted v{version}, v{first.Version} decommissioned ({reason}); pinned predict: {gone}");
    }

    private async Task<string> DetectAsync(CanaryTraffic drifted, int version, int seenFrom, CancellationToken cancellationToken)
    {
        var deadline = log.Elapsed + FirstMeasurementTimeout;
        var measured = false;
        var detected = false;
        while (true)
        {
            await drifted.SendAsync(cancellationToken);
            var entries = await DemoApi.StreamAsync(people.Dave, options.ModelStream, cancellationToken);
            foreach (var entry in entries.Skip(seenFrom))
            {
                var data = entry.GetProperty("data");
                switch (Str(entry, "type"))
                {
                    case "drift_measured":
                        measured = true;
                        log.Progress($"DriftMeasured v{DemoApi.Whole(data, "version")} {Str(data, "statistic")} = {Num(data, "value")} (threshold {Num(data, "threshold")}, {Str(data, "sampleCount")} samples{PValue(data)})");
                        break;
                    case "drift_detected":
                        detected = true;
                        log.Progress($"DriftDetected v{DemoApi.Whole(data, "version")} {Str(data, "statistic")} = {Num(data, "value")} beyond {Num(data, "threshold")}");
                        break;
                    case "retrain_requested" when Str(data, "newRunId") is { } runId:
                        log.Progress($"RetrainRequested for v{DemoApi.Whole(data, "version")}: {Str(data, "reason")}; new run {runId}");
                        log.Info($"drifted images sent so far: {drifted.Summary()}");
                        return runId;
                    default:
                        break;
                }
            }

            seenFrom = entries.Count;
            if (!measured && log.Elapsed > deadline)
            {
                throw new DemoFailedException($"the operate part is not available: no monitor measured model '{options.Model}' v{version} within {FirstMeasurementTimeout.TotalMinutes:0.#} minutes "
                    + "of its promotion (no DriftMeasured entry in its stream), so drift detection, retrain and decommission cannot be shown");
            }

            if (log.Elapsed > deadline + options.RunTimeout)
            {
                throw new DemoFailedException(detected ? "drift was detected but no retrain run was requested" : "the monitor measured the drifted traffic but detected no drift");
            }

            await Task.Delay(RunProgress.Interval, cancellationToken);
        }
    }

    private async Task<string> DecommissionedAsync(int version, CancellationToken cancellationToken)
    {
        var deadline = log.Elapsed + options.RunTimeout;
        while (true)
        {
            var entries = await DemoApi.StreamAsync(people.Dave, options.ModelStream, cancellationToken);
            var done = entries.LastOrDefault(e => Str(e, "type") == "model_decommissioned" && DemoApi.Whole(e.GetProperty("data"), "version") == version);
            if (done.ValueKind == JsonValueKind.Object)
            {
                var reason = Str(done.GetProperty("data"), "reason") ?? "";
                log.Info($"ModelDecommissioned v{version} at {Str(done, "recordedAt")} by {Str(done.GetProperty("context").GetProperty("actor"), "id")}: {reason}");
                return reason;
            }

            if (log.Elapsed > deadline)
            {
                throw new DemoFailedException($"version {version} was not decommissioned within {options.RunTimeout.TotalMinutes:0.#} minutes of being superseded");
            }

            await Task.Delay(RunProgress.Interval, cancellationToken);
        }
    }

    private async Task<string> GoneAsync(int old, int successor, CancellationToken cancellationToken)
    {
        try
        {
            await people.Alice.PostAsync($"/api/models/{Uri.EscapeDataString(options.Model)}/versions/{old}/predict", new DemoImages(options.Seed, 0).NextBatch(1), cancellationToken);
        }
        catch (CliException e) when (e.Message.StartsWith("410 ", StringComparison.Ordinal))
        {
            log.Info(e.Message);
            if (!e.Message.Contains($"version {successor}", StringComparison.Ordinal))
            {
                throw new DemoFailedException($"the 410 does not name the successor version {successor}: {e.Message}");
            }

            return e.Message;
        }

        throw new DemoFailedException($"version {old} still served a pinned predict call after it was decommissioned");
    }

    // A PSI's chi-square p-value (ADR 0020), when the entry has one.
    private static string PValue(JsonElement e) =>
        e.TryGetProperty("pValue", out var v) && v.ValueKind == JsonValueKind.Number ? ", p " + v.GetDouble().ToString("G2", CultureInfo.InvariantCulture) : "";

    private static string Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.####", CultureInfo.InvariantCulture) : "?";
}
