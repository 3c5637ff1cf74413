using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Activities;
using Temporalio.Workflows;

namespace Orchestrator.Benchmarks.Workflows;

/// <summary>
/// A run of <c>Stages</c> consecutive stages scheduled the way the lifecycle schedules them (stage activity
/// options, one activity per stage); each stage either records a fact through <see cref="StageAudit"/>
/// (the real stage path minus the ML work) or calls an empty activity. Returns each stage's round trip in
/// workflow time (from the task that schedules it to the task that sees its result).
/// </summary>
[Workflow]
public sealed class StageOverheadWorkflow
{
    /// <summary>The run's input.</summary>
    /// <param name="RunId">The run stream the audited stages append to.</param>
    /// <param name="Stages">How many stages to run back to back.</param>
    /// <param name="Audited">True for the audited stage activity, false for the empty one.</param>
    /// <param name="Queue">The worker's task queue.</param>
    public sealed record Input(string RunId, int Stages, bool Audited, string Queue);

    /// <summary>How many stages have finished (for a watcher of a long run).</summary>
    [WorkflowQuery]
    public int CompletedStages { get; private set; }

    [WorkflowRun]
    public async Task<List<double>> RunAsync(Input input)
    {
        var options = StageActivityOptions.For(Orchestrator.Workflows.Lifecycle.Stages.Acquire, new StageQueues(input.Queue, input.Queue));
        var roundTrips = new List<double>(input.Stages);
        for (var stage = 0; stage < input.Stages; stage++)
        {
            var before = Workflow.UtcNow;
            if (input.Audited)
            {
                await Workflow.ExecuteActivityAsync((StageOverheadActivities a) => a.RecordStageAsync(new StageOverheadActivities.StageInput(input.RunId, stage)), options);
            }
            else
            {
                await Workflow.ExecuteActivityAsync(() => StageOverheadActivities.Empty(stage), options);
            }

            roundTrips.Add((Workflow.UtcNow - before).TotalMilliseconds);
            CompletedStages = stage + 1;
        }

        return roundTrips;
    }
}

/// <summary>The two stage bodies: a real audit append through <see cref="StageAudit"/>, and nothing at all.</summary>
public sealed class StageOverheadActivities(StageAudit audit)
{
    private readonly List<double> _appends = [];

    /// <summary>One stage's input.</summary>
    public sealed record StageInput(string RunId, int Stage);

    /// <summary>Records one small stage fact on the run's stream, idempotently, as every stage activity does.</summary>
    [Activity("BenchRecordStage")]
    public async Task RecordStageAsync(StageInput input)
    {
        var checkpoint = new string('c', 64);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await audit.RecordAsync(input.RunId, new TrainingEpochCompleted(input.Stage, 0.5, 0.6, 0.9, checkpoint), $"stage-{input.Stage}",
            [StageAudit.Evidence("checkpoint", checkpoint, null)]);
        lock (_appends)
        {
            _appends.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>How long each audited stage's append took inside its activity (ms), to split the overhead into append and the rest.</summary>
    public IReadOnlyList<double> AppendTimes
    {
        get
        {
            lock (_appends)
            {
                return [.. _appends];
            }
        }
    }

    /// <summary>Does nothing: the orchestration's own round trip.</summary>
    [Activity("BenchEmptyStage")]
    public static int Empty(int stage) => stage;
}
