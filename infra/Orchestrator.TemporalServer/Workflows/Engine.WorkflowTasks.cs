using Google.Protobuf;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Updates;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using ApiTaskQueue = Temporalio.Api.TaskQueue.V1.TaskQueue;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    /// <summary>Writes an event that the workflow must react to, and makes sure a workflow task will follow.</summary>
    public void Deliver(WorkflowRun run, HistoryEvent e)
    {
        if (!run.IsRunning)
        {
            return;
        }

        run.AppendOrBuffer(e);
        if (run.WorkflowTask is { Speculative: true, Started: false } speculative)
        {
            // New events: the task that was to carry only updates now carries them too, so it is written.
            WriteScheduledEvent(run, speculative);
        }

        ScheduleWorkflowTask(run);
    }

    /// <summary>
    /// Schedules a workflow task unless one is already scheduled or running. A speculative task (for updates
    /// alone) writes its events only if it completes with something to record.
    /// </summary>
    public void ScheduleWorkflowTask(WorkflowRun run, int attempt = 1, bool speculative = false)
    {
        if (!run.IsRunning || run.WorkflowTask is not null || run.FirstTaskDue is not null)
        {
            return;
        }

        var task = new WorkflowTaskState { Attempt = attempt, ScheduledTime = Now, Speculative = true };
        run.WorkflowTask = task;
        if (!speculative)
        {
            WriteScheduledEvent(run, task);
        }

        Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(new WorkflowTaskDispatch(this, run, task));
        Clock.NotifyChanged();
    }

    /// <summary>Hands a scheduled workflow task to a poller: writes its started event and returns the full history.</summary>
    private PollWorkflowTaskQueueResponse? StartWorkflowTask(WorkflowRun run, WorkflowTaskState task, string identity)
    {
        if (!run.IsRunning || !ReferenceEquals(run.WorkflowTask, task) || task.Started)
        {
            return null;
        }

        var started = WorkflowRun.NewEvent(EventType.WorkflowTaskStarted, Now);
        started.WorkflowTaskStartedEventAttributes = new WorkflowTaskStartedEventAttributes
        {
            Identity = identity,
            RequestId = Guid.NewGuid().ToString(),
            HistorySizeBytes = run.HistorySizeBytes,
        };
        SuggestContinueAsNew(run, started.WorkflowTaskStartedEventAttributes);
        if (task.Speculative)
        {
            // Shown to the worker with the ids they will have if written; nothing is written meanwhile, since
            // every event that arrives while the task runs is buffered.
            var scheduled = ScheduledEvent(run, task);
            scheduled.EventId = scheduled.TaskId = run.NextEventId;
            started.EventId = started.TaskId = run.NextEventId + 1;
            started.WorkflowTaskStartedEventAttributes.ScheduledEventId = scheduled.EventId;
            task.ScheduledEventId = scheduled.EventId;
            task.UnwrittenEvents.AddRange([scheduled, started]);
        }
        else
        {
            started.WorkflowTaskStartedEventAttributes.ScheduledEventId = task.ScheduledEventId;
            run.Append(started);
        }

        task.StartedEventId = started.EventId;
        task.StartedTime = Now;
        task.Timeout = Clock.Schedule(run.WorkflowTaskTimeout.ToTimeSpan(), () => TimeOutWorkflowTask(run, task));
        var response = new PollWorkflowTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskKind.Workflow, run.Namespace.Name, run.WorkflowId, run.RunId, task.ScheduledEventId, task.Attempt, task.Instance).ToByteString(),
            WorkflowExecution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
            WorkflowType = new WorkflowType { Name = run.WorkflowType },
            PreviousStartedEventId = run.LastCompletedStartedEventId,
            StartedEventId = started.EventId,
            Attempt = task.Attempt,
            History = new History(),
            WorkflowExecutionTaskQueue = new ApiTaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            ScheduledTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(task.ScheduledTime),
            StartedTime = started.EventTime,
        };
        response.History.Events.AddRange(run.History.Select(e => e.Clone()));
        response.History.Events.AddRange(task.UnwrittenEvents.Select(e => e.Clone()));
        response.Messages.AddRange(UpdateRequestMessages(run, task, started.EventId));
        return response;
    }

    /// <summary>The started workflow task a token names, or NOT_FOUND when it is gone (timed out, run closed).</summary>
    public (WorkflowRun Run, WorkflowTaskState Task) RunningWorkflowTask(ByteString token)
    {
        var parsed = TaskToken.Parse(token, TaskKind.Workflow);
        var run = FindRun(parsed.Namespace, parsed.WorkflowId, parsed.RunId);
        if (!run.IsRunning || run.WorkflowTask is not { Started: true } task
            || task.ScheduledEventId != parsed.ScheduledEventId || task.Attempt != parsed.Attempt || task.Instance != parsed.QueryId)
        {
            throw RpcErrors.NotFound("workflow task not found (it timed out, failed or the run closed)");
        }

        return (run, task);
    }

    public RespondWorkflowTaskCompletedResponse CompleteWorkflowTask(RespondWorkflowTaskCompletedRequest request)
    {
        var response = new RespondWorkflowTaskCompletedResponse();
        var (run, task) = RunningWorkflowTask(request.TaskToken);
        if (run.HasBufferedEvents && request.Commands.Any(c => IsClosingCommand(c.CommandType)))
        {
            // New events arrived while the task ran: the workflow must see them before it may close (Temporal
            // fails such a task as UNHANDLED_COMMAND and hands the workflow a new one).
            FailWorkflowTask(run, task, WorkflowTaskFailedCause.UnhandledCommand, null, request.Identity, retryAsFirstAttempt: true);
            return response;
        }

        if (CommandValidation.Validate(run, request.Commands, request.Messages.Select(m => m.Id)) is { } invalid)
        {
            FailWorkflowTask(run, task, invalid.Cause, new Failure { Message = invalid.Message, Source = "Server" }, request.Identity);
            if (invalid.Unsupported)
            {
                // Retrying cannot help: the run ends at once, saying why, instead of failing its task forever.
                Terminate(run, invalid.Message, null, "server");
            }

            return response;
        }

        var messages = UpdateMessages.Read(request.Messages);
        task.Timeout?.Cancelled = true;
        if (task.Speculative && request.Commands.Count == 0 && !messages.RecordsAnything && !request.ForceCreateNewWorkflowTask
            && (LastCompletedTaskEnd(run) == run.History.Count || request.Capabilities?.DiscardSpeculativeWorkflowTaskWithEvents == true))
        {
            // Only rejections: as in Temporal, the speculative task vanishes, the history is unchanged, and the
            // worker is told to roll back to the last completed task.
            run.WorkflowTask = null;
            ApplyUpdateMessages(run, task, messages, null);
            FinishWorkflowTask(run, scheduleNext: false);
            response.ResetHistoryEventId = run.LastCompletedStartedEventId;
            return response;
        }

        WriteUnwrittenEvents(run, task);
        var completed = WorkflowRun.NewEvent(EventType.WorkflowTaskCompleted, Now);
        completed.WorkflowTaskCompletedEventAttributes = new WorkflowTaskCompletedEventAttributes
        {
            ScheduledEventId = task.ScheduledEventId,
            StartedEventId = task.StartedEventId,
            Identity = request.Identity ?? "",
            BinaryChecksum = request.BinaryChecksum ?? "",
            SdkMetadata = request.SdkMetadata,
            MeteringMetadata = request.MeteringMetadata,
            WorkerVersion = request.WorkerVersionStamp,
        };
        run.Append(completed);
        var context = new CommandContext(run, completed.EventId, request.Identity ?? "") { Messages = messages };
        foreach (var command in request.Commands)
        {
            if (!run.IsRunning)
            {
                break;
            }

            var firstEvent = run.History.Count;
            ApplyCommand(context, command);
            if (command.UserMetadata is { } metadata && run.History.Count > firstEvent)
            {
                run.AttachUserMetadata(firstEvent, metadata);
            }
        }

        run.WorkflowTask = null;
        run.LastCompletedStartedEventId = task.StartedEventId;
        ApplyUpdateMessages(run, task, messages, context);
        FinishWorkflowTask(run, scheduleNext: request.ForceCreateNewWorkflowTask || context.NeedsWorkflowTask);
        return response;
    }

    /// <summary>After a task completed: buffered events are written and a next task follows when anything waits.</summary>
    private void FinishWorkflowTask(WorkflowRun run, bool scheduleNext)
    {
        if (!run.IsRunning)
        {
            run.DropBuffered();
            ReleaseDeferredQueries(run);
            return;
        }

        var flushed = run.FlushBuffered();
        if (flushed > 0 || scheduleNext)
        {
            ScheduleWorkflowTask(run);
        }
        else if (run.Updates.Count > 0 && run.UnsentUpdates.Any())
        {
            ScheduleWorkflowTask(run, speculative: true);
        }

        // Only now: a query that waited may have to wait again for the task the buffered events brought.
        ReleaseDeferredQueries(run);
        Clock.NotifyChanged();
    }

    public void FailWorkflowTask(WorkflowRun run, WorkflowTaskState task, WorkflowTaskFailedCause cause, Failure? failure, string? identity, bool retryAsFirstAttempt = false)
    {
        WriteUnwrittenEvents(run, task);
        var failed = WorkflowRun.NewEvent(EventType.WorkflowTaskFailed, Now);
        failed.WorkflowTaskFailedEventAttributes = new WorkflowTaskFailedEventAttributes
        {
            ScheduledEventId = task.ScheduledEventId,
            StartedEventId = task.StartedEventId,
            Cause = cause,
            Failure = failure,
            Identity = identity ?? "",
        };
        run.Append(failed);
        RetryWorkflowTask(run, task, retryAsFirstAttempt ? 1 : task.Attempt + 1);
    }

    private void TimeOutWorkflowTask(WorkflowRun run, WorkflowTaskState task)
    {
        if (!run.IsRunning || !ReferenceEquals(run.WorkflowTask, task))
        {
            return;
        }

        WriteUnwrittenEvents(run, task);
        var timedOut = WorkflowRun.NewEvent(EventType.WorkflowTaskTimedOut, Now);
        timedOut.WorkflowTaskTimedOutEventAttributes = new WorkflowTaskTimedOutEventAttributes
        {
            ScheduledEventId = task.ScheduledEventId,
            StartedEventId = task.StartedEventId,
            TimeoutType = TimeoutType.StartToClose,
        };
        run.Append(timedOut);
        RetryWorkflowTask(run, task, task.Attempt + 1);
    }

    /// <summary>After a failed task: buffered events are written, then a new attempt follows, with a growing
    /// pause after the second so a workflow that fails deterministically does not spin. Updates the task
    /// carried go with the next attempt.</summary>
    private void RetryWorkflowTask(WorkflowRun run, WorkflowTaskState task, int attempt)
    {
        task.Timeout?.Cancelled = true;
        task.SentUpdates.ForEach(u => u.Sent = false);
        run.WorkflowTask = null;
        run.FlushBuffered();
        if (attempt <= 2)
        {
            ScheduleWorkflowTask(run, attempt);
        }
        else
        {
            var pause = TimeSpan.FromSeconds(Math.Min(10, attempt - 2));
            Clock.Schedule(pause, () => ScheduleWorkflowTask(run, attempt));
        }

        ReleaseDeferredQueries(run);
    }

    private static bool IsClosingCommand(CommandType type) => type is CommandType.CompleteWorkflowExecution
        or CommandType.FailWorkflowExecution or CommandType.CancelWorkflowExecution or CommandType.ContinueAsNewWorkflowExecution;

    private sealed class WorkflowTaskDispatch(Engine engine, WorkflowRun run, WorkflowTaskState task) : IQueuedTask
    {
        public IMessage? TryDispatch(string identity) => engine.StartWorkflowTask(run, task, identity);
    }
}
