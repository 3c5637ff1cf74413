using Google.Protobuf;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
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
        ScheduleWorkflowTask(run);
    }

    /// <summary>Schedules a workflow task unless one is already scheduled or running.</summary>
    public void ScheduleWorkflowTask(WorkflowRun run, int attempt = 1)
    {
        if (!run.IsRunning || run.WorkflowTask is not null || run.FirstTaskDue is not null)
        {
            return;
        }

        var scheduled = WorkflowRun.NewEvent(EventType.WorkflowTaskScheduled, Now);
        scheduled.WorkflowTaskScheduledEventAttributes = new WorkflowTaskScheduledEventAttributes
        {
            TaskQueue = new ApiTaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            StartToCloseTimeout = run.WorkflowTaskTimeout,
            Attempt = attempt,
        };
        run.Append(scheduled);
        run.WorkflowTask = new WorkflowTaskState { ScheduledEventId = scheduled.EventId, Attempt = attempt, ScheduledTime = Now };
        Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(new WorkflowTaskDispatch(this, run, scheduled.EventId));
        Clock.NotifyChanged();
    }

    /// <summary>Hands a scheduled workflow task to a poller: writes its started event and returns the full history.</summary>
    private PollWorkflowTaskQueueResponse? StartWorkflowTask(WorkflowRun run, long scheduledEventId, string identity)
    {
        if (!run.IsRunning || run.WorkflowTask is not { Started: false } task || task.ScheduledEventId != scheduledEventId)
        {
            return null;
        }

        var started = WorkflowRun.NewEvent(EventType.WorkflowTaskStarted, Now);
        started.WorkflowTaskStartedEventAttributes = new WorkflowTaskStartedEventAttributes
        {
            ScheduledEventId = scheduledEventId,
            Identity = identity,
            RequestId = Guid.NewGuid().ToString(),
            HistorySizeBytes = run.HistorySizeBytes,
        };
        SuggestContinueAsNew(run, started.WorkflowTaskStartedEventAttributes);
        run.Append(started);
        task.StartedEventId = started.EventId;
        task.StartedTime = Now;
        task.Timeout = Clock.Schedule(run.WorkflowTaskTimeout.ToTimeSpan(), () => TimeOutWorkflowTask(run, task));
        var response = new PollWorkflowTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskKind.Workflow, run.Namespace.Name, run.WorkflowId, run.RunId, scheduledEventId, task.Attempt).ToByteString(),
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
        return response;
    }

    /// <summary>The started workflow task a token names, or NOT_FOUND when it is gone (timed out, run closed).</summary>
    public (WorkflowRun Run, WorkflowTaskState Task) RunningWorkflowTask(ByteString token)
    {
        var parsed = TaskToken.Parse(token, TaskKind.Workflow);
        var run = FindRun(parsed.Namespace, parsed.WorkflowId, parsed.RunId);
        if (!run.IsRunning || run.WorkflowTask is not { Started: true } task
            || task.ScheduledEventId != parsed.ScheduledEventId || task.Attempt != parsed.Attempt)
        {
            throw RpcErrors.NotFound("workflow task not found (it timed out, failed or the run closed)");
        }

        return (run, task);
    }

    public void CompleteWorkflowTask(RespondWorkflowTaskCompletedRequest request)
    {
        var (run, task) = RunningWorkflowTask(request.TaskToken);
        if (run.HasBufferedEvents && request.Commands.Any(c => IsClosingCommand(c.CommandType)))
        {
            // New events arrived while the task ran: the workflow must see them before it may close (Temporal
            // fails such a task as UNHANDLED_COMMAND and hands the workflow a new one).
            FailWorkflowTask(run, task, WorkflowTaskFailedCause.UnhandledCommand, null, request.Identity, retryAsFirstAttempt: true);
            return;
        }

        if (CommandValidation.Validate(run, request.Commands) is { } invalid)
        {
            FailWorkflowTask(run, task, invalid.Cause, new Failure { Message = invalid.Message, Source = "Server" }, request.Identity);
            if (invalid.Unsupported)
            {
                // Retrying cannot help: the run ends at once, saying why, instead of failing its task forever.
                Terminate(run, invalid.Message, null, "server");
            }

            return;
        }

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
        task.Timeout?.Cancelled = true;
        var context = new CommandContext(run, completed.EventId, request.Identity ?? "");
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
        if (!run.IsRunning)
        {
            run.DropBuffered();
            ReleaseDeferredQueries(run);
            return;
        }

        var flushed = run.FlushBuffered();
        if (flushed > 0 || request.ForceCreateNewWorkflowTask || context.NeedsWorkflowTask)
        {
            ScheduleWorkflowTask(run);
        }

        // Only now: a query that waited may have to wait again for the task the buffered events brought.
        ReleaseDeferredQueries(run);
        Clock.NotifyChanged();
    }

    public void FailWorkflowTask(WorkflowRun run, WorkflowTaskState task, WorkflowTaskFailedCause cause, Failure? failure, string? identity, bool retryAsFirstAttempt = false)
    {
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
    /// pause after the second so a workflow that fails deterministically does not spin.</summary>
    private void RetryWorkflowTask(WorkflowRun run, WorkflowTaskState task, int attempt)
    {
        task.Timeout?.Cancelled = true;
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

    /// <summary>Temporal's default thresholds (limit.historyCount/historySize.suggestContinueAsNew).</summary>
    private const int SuggestContinueAsNewEvents = 4 * 1024;
    private const long SuggestContinueAsNewBytes = 4L * 1024 * 1024;

    private static void SuggestContinueAsNew(WorkflowRun run, WorkflowTaskStartedEventAttributes started)
    {
        if (run.History.Count + 1 >= SuggestContinueAsNewEvents)
        {
            started.SuggestContinueAsNewReasons.Add(SuggestContinueAsNewReason.TooManyHistoryEvents);
        }

        if (run.HistorySizeBytes >= SuggestContinueAsNewBytes)
        {
            started.SuggestContinueAsNewReasons.Add(SuggestContinueAsNewReason.HistorySizeTooLarge);
        }

        started.SuggestContinueAsNew = started.SuggestContinueAsNewReasons.Count > 0;
    }

    private static bool IsClosingCommand(CommandType type) => type is CommandType.CompleteWorkflowExecution
        or CommandType.FailWorkflowExecution or CommandType.CancelWorkflowExecution or CommandType.ContinueAsNewWorkflowExecution;

    private sealed class WorkflowTaskDispatch(Engine engine, WorkflowRun run, long scheduledEventId) : IQueuedTask
    {
        public IMessage? TryDispatch(string identity) => engine.StartWorkflowTask(run, scheduledEventId, identity);
    }
}
