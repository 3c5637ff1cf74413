using Grpc.Core;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Updates;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Protocol.V1;
using Temporalio.Api.Update.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

/// <summary>
/// Workflow updates (UpdateWorkflowExecution, PollWorkflowExecutionUpdate and the update protocol messages
/// of workflow tasks), following Temporal's docs/architecture/workflow-update.md: an update is admitted in
/// memory, shipped to the worker as a message on a (speculative, if nothing else is pending) workflow task,
/// and accepted and completed by the workflow (two events) or rejected by its validator (no events).
/// </summary>
internal sealed partial class Engine
{
    private long updateSequence;

    public async Task<UpdateWorkflowExecutionResponse> UpdateAsync(UpdateWorkflowExecutionRequest request, ServerCallContext context)
    {
        UpdateState update;
        WorkflowRun run;
        lock (Gate)
        {
            run = FindRun(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
            if (!string.IsNullOrEmpty(request.FirstExecutionRunId) && run.FirstRunId != request.FirstExecutionRunId)
            {
                throw RpcErrors.NotFound($"workflow execution {run.WorkflowId} with first run {request.FirstExecutionRunId} not found");
            }

            var id = request.Request?.Meta?.UpdateId;
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(request.Request!.Input?.Name))
            {
                throw RpcErrors.InvalidArgument("an update needs an update id and a name");
            }

            if (!run.Updates.TryGetValue(id, out update!))
            {
                if (!run.IsRunning)
                {
                    throw RpcErrors.NotFound("workflow execution already completed");
                }

                update = new UpdateState(request.Request) { Sequence = ++updateSequence };
                run.Updates[id] = update;
                ScheduleWorkflowTask(run, speculative: true);
            }
        }

        var stage = await WaitForStageAsync(update, request.WaitPolicy?.LifecycleStage, context).ConfigureAwait(false);
        return new UpdateWorkflowExecutionResponse { UpdateRef = Ref(run, update), Stage = stage, Outcome = stage == UpdateWorkflowExecutionLifecycleStage.Completed ? update.Outcome : null };
    }

    public async Task<PollWorkflowExecutionUpdateResponse> PollUpdateAsync(PollWorkflowExecutionUpdateRequest request, ServerCallContext context)
    {
        UpdateState update;
        WorkflowRun run;
        lock (Gate)
        {
            run = FindRun(request.Namespace, request.UpdateRef.WorkflowExecution.WorkflowId, request.UpdateRef.WorkflowExecution.RunId);
            if (!run.Updates.TryGetValue(request.UpdateRef.UpdateId, out update!))
            {
                throw RpcErrors.NotFound($"update {request.UpdateRef.UpdateId} not found");
            }
        }

        var stage = await WaitForStageAsync(update, request.WaitPolicy?.LifecycleStage, context).ConfigureAwait(false);
        return new PollWorkflowExecutionUpdateResponse { UpdateRef = Ref(run, update), Stage = stage, Outcome = stage == UpdateWorkflowExecutionLifecycleStage.Completed ? update.Outcome : null };
    }

    /// <summary>
    /// Waits for the stage asked for (accepted at least, as Temporal has it) until the long-poll timeout, then
    /// answers the stage reached: the SDK asks again while an update is only admitted, and polls once accepted.
    /// </summary>
    private async Task<UpdateWorkflowExecutionLifecycleStage> WaitForStageAsync(UpdateState update, UpdateWorkflowExecutionLifecycleStage? wanted, ServerCallContext context)
    {
        Task reached = wanted == UpdateWorkflowExecutionLifecycleStage.Completed ? update.Completed.Task : update.Accepted.Task;
        var wait = Options.LongPollTimeout;
        var remaining = context.Deadline - DateTime.UtcNow - TimeSpan.FromSeconds(2);
        if (remaining < wait)
        {
            wait = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }

        try
        {
            await reached.WaitAsync(wait, context.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Not there yet: the stage reached so far tells the SDK what to do next.
        }

        lock (Gate)
        {
            return update.Stage;
        }
    }

    private static UpdateRef Ref(WorkflowRun run, UpdateState update) => new()
    {
        WorkflowExecution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
        UpdateId = update.Id,
    };

    /// <summary>The request messages of the updates a starting workflow task carries.</summary>
    private static IEnumerable<Message> UpdateRequestMessages(WorkflowRun run, WorkflowTaskState task, long startedEventId)
    {
        if (run.Updates.Count == 0)
        {
            yield break;
        }

        foreach (var update in run.UnsentUpdates.ToList())
        {
            update.Sent = true;
            task.SentUpdates.Add(update);
            yield return UpdateMessages.RequestMessage(update, startedEventId);
        }
    }

    /// <summary>A PROTOCOL_MESSAGE command: the acceptance or response it points at writes its event here, in command order.</summary>
    private void ApplyProtocolMessage(CommandContext context, string messageId)
    {
        if (context.Messages?.ById.TryGetValue(messageId, out var message) != true || !context.Messages.Applied.Add(messageId))
        {
            return;
        }

        ApplyUpdateMessage(context.Run, message!);
    }

    private void ApplyUpdateMessage(WorkflowRun run, Google.Protobuf.IMessage message)
    {
        switch (message)
        {
            case Acceptance acceptance when run.Updates.TryGetValue(UpdateIdOf(acceptance.AcceptedRequestMessageId), out var update) && update.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted:
                var accepted = Event(EventType.WorkflowExecutionUpdateAccepted);
                accepted.WorkflowExecutionUpdateAcceptedEventAttributes = new WorkflowExecutionUpdateAcceptedEventAttributes
                {
                    ProtocolInstanceId = update.Id,
                    AcceptedRequestMessageId = acceptance.AcceptedRequestMessageId,
                    AcceptedRequestSequencingEventId = acceptance.AcceptedRequestSequencingEventId,
                    AcceptedRequest = update.Request,
                };
                run.Append(accepted);
                update.Accept(accepted.EventId);
                break;
            case Response response when run.Updates.TryGetValue(response.Meta.UpdateId, out var update) && update.Stage == UpdateWorkflowExecutionLifecycleStage.Accepted:
                var completed = Event(EventType.WorkflowExecutionUpdateCompleted);
                completed.WorkflowExecutionUpdateCompletedEventAttributes = new WorkflowExecutionUpdateCompletedEventAttributes
                {
                    Meta = response.Meta,
                    AcceptedEventId = update.AcceptedEventId,
                    Outcome = response.Outcome,
                };
                run.Append(completed);
                update.Complete(response.Outcome);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// After a task's commands: rejections end their updates (writing nothing), acceptances and responses no
    /// command placed are applied last, and an update the task carried that the worker ignored is rejected on
    /// its behalf, as Temporal does, so it is not sent again and again.
    /// </summary>
    private void ApplyUpdateMessages(WorkflowRun run, WorkflowTaskState task, UpdateMessages messages, CommandContext? context)
    {
        foreach (var (id, message) in messages.ById)
        {
            if (messages.Applied.Contains(id))
            {
                continue;
            }

            if (message is Rejection rejection && run.Updates.TryGetValue(UpdateIdOf(rejection.RejectedRequestMessageId), out var rejected)
                && rejected.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted)
            {
                run.Updates.Remove(rejected.Id);
                rejected.Complete(new Outcome { Failure = rejection.Failure });
            }
            else if (context is not null && run.IsRunning)
            {
                ApplyUpdateMessage(run, message);
            }
        }

        foreach (var ignored in task.SentUpdates.Where(u => u.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted && run.Updates.ContainsKey(u.Id)))
        {
            run.Updates.Remove(ignored.Id);
            ignored.Complete(new Outcome { Failure = new Failure { Message = "the worker did not process the update (rejected by the server)", Source = "Server" } });
        }
    }

    /// <summary>When a run closes: updates it never accepted fail for their callers; accepted ones complete with a failure.</summary>
    private static void AbortUpdates(WorkflowRun run)
    {
        foreach (var update in run.Updates.Values.Where(u => u.IsInFlight).ToList())
        {
            if (update.Stage == UpdateWorkflowExecutionLifecycleStage.Admitted)
            {
                run.Updates.Remove(update.Id);
                update.Abort("workflow execution already completed");
            }
            else
            {
                update.Complete(new Outcome
                {
                    Failure = new Failure
                    {
                        Message = "Workflow Update failed because the Workflow completed before the Update completed.",
                        Source = "Server",
                    }
                });
            }
        }
    }

    private static string UpdateIdOf(string requestMessageId) =>
        requestMessageId.EndsWith("/request", StringComparison.Ordinal) ? requestMessageId[..^"/request".Length] : requestMessageId;
}
