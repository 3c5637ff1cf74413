using System.Linq.Expressions;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>How the lifecycle workflow runs one stage and records the run's end.</summary>
public sealed partial class ModelLifecycleWorkflow
{
    /// <summary>Runs <paramref name="call"/> as stage <paramref name="stage"/> on its contract's queue (<see cref="ActivityRouting"/>).</summary>
    private async Task<T> StageAsync<TActivities, T>(string stage, Expression<Func<TActivities, Task<T>>> call, TimeSpan? canaryWindow = null, TimeSpan? trainHeartbeat = null)
    {
        _stage = stage;
        var record = new StageRecord(stage, Workflow.UtcNow, null, null);
        _stages.Add(record);
        try
        {
            // Histories recorded before TrainingSpec.HeartbeatTimeout carry null here: their options are unchanged.
            var options = StageActivityOptions.For(stage, ActivityRouting.Queue<TActivities>(Queues), canaryWindow, trainHeartbeat);
            if (Workflow.Patched(Patches.StageCancellationWaits))
            {
                // A cancelled run waits for the running stage to acknowledge the cancellation (on its next
                // heartbeat) before the run is recorded as cancelled: no canary still taking traffic, no
                // training still writing checkpoints behind the record.
                options.CancellationType = ActivityCancellationType.WaitCancellationCompleted;
            }

            var result = await Workflow.ExecuteActivityAsync(call, options);
            _stages[^1] = record with { Ended = Workflow.UtcNow, Outcome = "completed" };
            return result;
        }
        catch
        {
            _stages[^1] = record with { Ended = Workflow.UtcNow, Outcome = "failed" };
            throw;
        }
    }

    private StageQueues Queues => _input?.Queues ?? StageQueues.Standard;

    private Task<T> Bookkeep<TActivities, T>(Expression<Func<TActivities, Task<T>>> call) =>
        Workflow.ExecuteActivityAsync(call, StageActivityOptions.For(StageActivityOptions.Bookkeeping, ActivityRouting.Queue<TActivities>(Queues)));

    private Task Bookkeep<TActivities>(Expression<Func<TActivities, Task>> call) =>
        Workflow.ExecuteActivityAsync(call, StageActivityOptions.For(StageActivityOptions.Bookkeeping, ActivityRouting.Queue<TActivities>(Queues)));

    private async Task<Result> EndAsync(RunOutcome outcome, string stage, string reason, ModelVersion? model)
    {
        _stage = outcome == RunOutcome.Completed ? Stages.Completed : stage;
        var ended = new IRunLedgerActivities.EndedInput(_input!.RunId, _input.ModelName, outcome, stage, reason, model?.Version);
        await Bookkeep((IRunLedgerActivities a) => a.RecordEndedAsync(ended));
        // Approvers waiting on an update get their answer before the run closes (no command: replays unchanged).
        await Workflow.WaitConditionAsync(() => Workflow.AllHandlersFinished);
        return new Result(outcome, stage, reason, model);
    }

    private async Task RecordEndedDetachedAsync(RunOutcome outcome, string reason)
    {
        using var detached = new CancellationTokenSource();
        var options = StageActivityOptions.For(StageActivityOptions.Bookkeeping, ActivityRouting.Queue<IRunLedgerActivities>(Queues));
        options.CancellationToken = detached.Token;
        var ended = new IRunLedgerActivities.EndedInput(_input!.RunId, _input.ModelName, outcome, _stage, reason, null);
        await Workflow.ExecuteActivityAsync((IRunLedgerActivities a) => a.RecordEndedAsync(ended), options);
    }
}
