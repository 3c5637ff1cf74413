using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// Follows a run through the API, printing each change of its ledger stage and live workflow stage,
/// until a condition holds; a run that fails or is cancelled on the way ends the demo with its reason.
/// </summary>
public static class RunProgress
{
    /// <summary>How often the run is read (the read model is cheap; tests shorten it).</summary>
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Polls until <paramref name="done"/> holds over the run detail; <paramref name="tick"/> runs on every poll (e.g. to send traffic).</summary>
    public static async Task<JsonElement> UntilAsync(ApiClient api, DemoLog log, string runId, Func<JsonElement, bool> done, TimeSpan timeout,
        CancellationToken cancellationToken, Func<JsonElement, Task>? tick = null)
    {
        var deadline = log.Elapsed + timeout;
        string? last = null;
        var epochs = 0;
        while (true)
        {
            var detail = await DemoApi.RunAsync(api, runId, cancellationToken);
            var run = detail.GetProperty("run");
            var live = detail.TryGetProperty("workflow", out var w) && w.ValueKind == JsonValueKind.Object ? Str(w, "currentStage") : null;
            var now = $"{Str(run, "status")}/{Str(run, "stage")}{(live is null ? "" : $" (workflow: {live})")}";
            if (now != last)
            {
                log.Progress($"run {runId}: {now}");
                last = now;
            }

            if (Str(run, "stage") is "training" or "trained")
            {
                epochs = await EpochsAsync(api, log, runId, epochs, cancellationToken);
            }

            if (done(detail))
            {
                return detail;
            }

            if (Str(run, "status") is "failed" or "cancelled")
            {
                throw new DemoFailedException($"run {runId} ended {Str(run, "status")} at {Str(run, "stage")}: {Str(detail, "failureReason") ?? "no reason recorded"}");
            }

            if (Str(run, "status") == "completed")
            {
                throw new DemoFailedException($"run {runId} completed without reaching the expected state");
            }

            if (log.Elapsed > deadline)
            {
                throw new DemoFailedException($"run {runId} is still {now} after {timeout.TotalMinutes:0.#} minutes");
            }

            if (tick is not null)
            {
                await tick(detail);
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    /// <summary>Prints the TrainingEpochCompleted entries after the first <paramref name="shown"/>; returns how many there are.</summary>
    private static async Task<int> EpochsAsync(ApiClient api, DemoLog log, string runId, int shown, CancellationToken cancellationToken)
    {
        var epochs = (await DemoApi.StreamAsync(api, $"run-{runId}", cancellationToken)).Where(e => Str(e, "type") == "training_epoch_completed").ToList();
        foreach (var epoch in epochs.Skip(shown).Select(e => e.GetProperty("data")))
        {
            log.Progress(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"epoch {DemoApi.Whole(epoch, "epoch")}: train loss {epoch.GetProperty("trainLoss").GetDouble():0.###}, validation accuracy {epoch.GetProperty("validationAccuracy").GetDouble():0.###} (checkpoint stored)"));
        }

        return epochs.Count;
    }

    /// <summary>The ledger stage of a run detail.</summary>
    public static string? Stage(JsonElement detail) => Str(detail.GetProperty("run"), "stage");

    /// <summary>The ledger status of a run detail.</summary>
    public static string? Status(JsonElement detail) => Str(detail.GetProperty("run"), "status");
}
