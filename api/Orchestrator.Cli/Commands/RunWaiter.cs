using System.Diagnostics;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>Polls a run and prints each change of stage with the elapsed time: the progress display of `runs wait` and `--wait`.</summary>
public static class RunWaiter
{
    /// <summary>The poll interval (the API reads the ledger's read model; cheap).</summary>
    public static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <returns><see cref="ExitCodes.Ok"/> when the run completed or reached <paramref name="untilStage"/>; <see cref="ExitCodes.Failed"/> when it failed, was cancelled or the time ran out.</returns>
    public static async Task<int> WaitAsync(ApiClient api, Output output, string runId, string? untilStage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var detail = await api.GetAsync($"/api/runs/{CliContext.Segment(runId)}", cancellationToken);
            var run = detail.GetProperty("run");
            var status = Str(run, "status");
            var stage = Str(run, "stage");
            var live = detail.TryGetProperty("workflow", out var w) && w.ValueKind == System.Text.Json.JsonValueKind.Object ? Str(w, "currentStage") : null;
            var now = $"{status}/{stage}{(live is null ? "" : $" (workflow: {live})")}";
            if (now != last)
            {
                output.Line($"  [{clock.Elapsed:mm\\:ss}] {runId}: {now}");
                last = now;
            }

            if (untilStage is not null && stage == untilStage)
            {
                return ExitCodes.Ok;
            }

            switch (status)
            {
                case "completed":
                    return untilStage is null ? ExitCodes.Ok : Ended(output, runId, detail, untilStage);
                case "failed" or "cancelled":
                    return Ended(output, runId, detail, untilStage);
            }

            if (clock.Elapsed > timeout)
            {
                throw new CliException(ExitCodes.Failed, $"run {runId} is still {now} after {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    private static int Ended(Output output, string runId, System.Text.Json.JsonElement detail, string? untilStage)
    {
        var run = detail.GetProperty("run");
        throw new CliException(ExitCodes.Failed, $"run {runId} ended {Str(run, "status")} at {Str(run, "stage")}"
            + (Str(detail, "failureReason") is { } reason ? $": {reason}" : "") + (untilStage is null ? "" : $" (before reaching {untilStage})"));
    }
}
