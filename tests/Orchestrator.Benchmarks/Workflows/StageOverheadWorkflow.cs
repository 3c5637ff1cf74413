using Npgsql;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Activities;
using Temporalio.Workflows;

namespace Orchestrator.Benchmarks.Workflows;

/// <summary>What a benchmarked stage's activity does.</summary>
public enum StageBody
{
    /// <summary>Nothing: the orchestration's own round trip (the baseline).</summary>
    Empty,

    /// <summary>One bare <c>SELECT 1</c> round trip to the ledger's PostgreSQL: the floor of any stage that waits for the database.</summary>
    RoundTrip,

    /// <summary>Records a fact in the hash-chained ledger, as every stage activity does (the measured path).</summary>
    Audited,
}

/// <summary>
/// A run of <c>Stages</c> consecutive stages scheduled the way the lifecycle schedules them (stage activity
/// options, one activity per stage), each with the given <see cref="StageBody"/>. Returns each stage's round
/// trip in workflow time (from the task that schedules it to the task that sees its result).
/// </summary>
[Workflow]
public sealed class StageOverheadWorkflow
{
    /// <summary>The run's input.</summary>
    /// <param name="RunId">The run stream the audited stages append to.</param>
    /// <param name="Stages">How many stages to run back to back.</param>
    /// <param name="Body">What each stage's activity does.</param>
    /// <param name="Queue">The worker's task queue.</param>
    public sealed record Input(string RunId, int Stages, StageBody Body, string Queue);

    /// <summary>How many stages have finished (for a watcher of a long run).</summary>
    [WorkflowQuery]
    public int CompletedStages { get; private set; }

    [WorkflowRun]
    public async Task<List<double>> RunAsync(Input input)
    {
        var options = StageActivityOptions.For(Orchestrator.Workflows.Lifecycle.Stages.Acquire, input.Queue);
        var roundTrips = new List<double>(input.Stages);
        for (var stage = 0; stage < input.Stages; stage++)
        {
            var before = Workflow.UtcNow;
            switch (input.Body)
            {
                case StageBody.Audited:
                    await Workflow.ExecuteActivityAsync((StageOverheadActivities a) => a.RecordStageAsync(new StageOverheadActivities.StageInput(input.RunId, stage)), options);
                    break;
                case StageBody.RoundTrip:
                    await Workflow.ExecuteActivityAsync((StageOverheadActivities a) => a.RoundTripAsync(stage), options);
                    break;
                default:
                    await Workflow.ExecuteActivityAsync(() => StageOverheadActivities.Empty(stage), options);
                    break;
            }

            roundTrips.Add((Workflow.UtcNow - before).TotalMilliseconds);
            CompletedStages = stage + 1;
        }

        return roundTrips;
    }
}

/// <summary>The stage bodies: a real audit append through <see cref="StageAudit"/>, a bare database round trip, and nothing at all.</summary>
public sealed class StageOverheadActivities(StageAudit audit, NpgsqlDataSource ledgerDataSource)
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

    /// <summary>One <c>SELECT 1</c> on the ledger's connection pool: what waiting for PostgreSQL at all costs a stage.</summary>
    [Activity("BenchRoundTripStage")]
    public async Task<int> RoundTripAsync(int stage)
    {
        await using var command = ledgerDataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(ActivityExecutionContext.Current.CancellationToken);
        return stage;
    }

    /// <summary>Does nothing: the orchestration's own round trip.</summary>
    [Activity("BenchEmptyStage")]
    public static int Empty(int stage) => stage;
}
