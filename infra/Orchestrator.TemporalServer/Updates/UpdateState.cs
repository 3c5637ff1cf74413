using Grpc.Core;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Update.V1;

namespace Orchestrator.TemporalServer.Updates;

/// <summary>
/// One workflow update of a run (Temporal's update registry entry): admitted when the request arrives, sent
/// with a workflow task, then accepted (UpdateAccepted event) and completed (UpdateCompleted event), or rejected
/// by the workflow's validator, which leaves no trace in the history. Callers wait on the two stages.
/// All members but the waits run under the engine's gate.
/// </summary>
internal sealed class UpdateState(Request request)
{
    public Request Request { get; } = request;

    /// <summary>Admission order: updates are sent to the worker in the order they arrived.</summary>
    public long Sequence { get; init; }

    public string Id => Request.Meta.UpdateId;

    public UpdateWorkflowExecutionLifecycleStage Stage { get; private set; } = UpdateWorkflowExecutionLifecycleStage.Admitted;

    /// <summary>True while the request travels with a started workflow task (it must not be sent twice).</summary>
    public bool Sent { get; set; }

    public long AcceptedEventId { get; private set; }

    public Outcome? Outcome { get; private set; }

    /// <summary>Completes when the update is accepted, rejected or completed; faults when it is aborted.</summary>
    public TaskCompletionSource Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the outcome (a rejection is an outcome with a failure); faults when aborted.</summary>
    public TaskCompletionSource<Outcome> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsInFlight => Stage is UpdateWorkflowExecutionLifecycleStage.Admitted or UpdateWorkflowExecutionLifecycleStage.Accepted;

    public void Accept(long acceptedEventId)
    {
        Stage = UpdateWorkflowExecutionLifecycleStage.Accepted;
        AcceptedEventId = acceptedEventId;
        Sent = false;
        Accepted.TrySetResult();
    }

    public void Complete(Outcome outcome)
    {
        Stage = UpdateWorkflowExecutionLifecycleStage.Completed;
        Outcome = outcome;
        Sent = false;
        Accepted.TrySetResult();
        Completed.TrySetResult(outcome);
    }

    /// <summary>Ends an update the workflow never accepted: its callers get an error, not an outcome.</summary>
    public void Abort(string message)
    {
        var error = new RpcException(new Status(StatusCode.NotFound, message));
        Accepted.TrySetException(error);
        Completed.TrySetException(error);
    }
}
