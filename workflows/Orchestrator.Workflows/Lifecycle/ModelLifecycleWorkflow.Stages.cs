using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Train;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>How the lifecycle workflow runs one stage and records the run's end.</summary>
public sealed partial class ModelLifecycleWorkflow
{
    private async Task<T> StageAsync<T>(string stage, string activity, object input, TimeSpan? canaryWindow = null)
    {
        _stage = stage;
        var record = new StageRecord(stage, Workflow.UtcNow, null, null);
        _stages.Add(record);
        try
        {
            // Histories recorded before TrainingSpec.HeartbeatTimeout carry null here: their options are unchanged.
            var options = StageActivityOptions.For(stage, Queues, canaryWindow, (input as TrainActivity.Input)?.Spec.HeartbeatTimeout);
            if (Workflow.Patched(Patches.StageCancellationWaits))
            {
                // A cancelled run waits for the running stage to acknowledge the cancellation (on its next
                // heartbeat) before the run is recorded as cancelled: no canary still taking traffic, no
                // training still writing checkpoints behind the record.
                options.CancellationType = ActivityCancellationType.WaitCancellationCompleted;
            }

            var result = await Workflow.ExecuteActivityAsync<T>(activity, [input], options);
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

    private Task<T> Bookkeep<T>(string activity, object input) =>
        Workflow.ExecuteActivityAsync<T>(activity, [input], StageActivityOptions.For("ledger", Queues));

    private Task Bookkeep(string activity, object input) =>
        Workflow.ExecuteActivityAsync(activity, [input], StageActivityOptions.For("ledger", Queues));

    private async Task<Result> EndAsync(RunOutcome outcome, string stage, string reason, ModelVersion? model)
    {
        _stage = outcome == RunOutcome.Completed ? Stages.Completed : stage;
        await Bookkeep(RunLedgerActivities.RecordEndedName, new RunLedgerActivities.EndedInput(_input!.RunId, _input.ModelName, outcome, stage, reason, model?.Version));
        return new Result(outcome, stage, reason, model);
    }

    private async Task RecordEndedDetachedAsync(RunOutcome outcome, string reason)
    {
        using var detached = new CancellationTokenSource();
        var options = StageActivityOptions.For("ledger", Queues);
        options.CancellationToken = detached.Token;
        await Workflow.ExecuteActivityAsync(RunLedgerActivities.RecordEndedName,
            [new RunLedgerActivities.EndedInput(_input!.RunId, _input.ModelName, outcome, _stage, reason, null)], options);
    }
}
