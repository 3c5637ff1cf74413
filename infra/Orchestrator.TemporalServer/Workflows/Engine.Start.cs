using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.ErrorDetails.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

/// <summary>Where a new run comes from, beyond what its start request says.</summary>
internal sealed record RunOrigin(
    ParentInfo? Parent = null,
    WorkflowRun? ContinuedFrom = null,
    ContinueAsNewInitiator Initiator = ContinueAsNewInitiator.Unspecified,
    Payloads? LastCompletionResult = null,
    Failure? ContinuedFailure = null,
    Timestamp? ExpirationTime = null,
    Duration? FirstTaskBackoff = null);

internal sealed partial class Engine
{
    /// <summary>
    /// Starts a run, applying request-id dedupe and the id reuse and conflict policies. Returns the run and
    /// whether it was started by this call (false: an existing run answered, e.g. USE_EXISTING).
    /// </summary>
    public (WorkflowRun Run, bool Started) StartWorkflow(StartWorkflowExecutionRequest request, RunOrigin origin, Action<WorkflowRun>? beforeFirstTask = null)
    {
        if (!string.IsNullOrEmpty(request.CronSchedule))
        {
            throw RpcErrors.Unsupported("cron schedules");
        }

        if (request.WorkflowStartDelay is { } delay && delay.ToTimeSpan() > TimeSpan.Zero)
        {
            throw RpcErrors.Unsupported("workflow start delay");
        }

        if (request.RetryPolicy is not null && origin.ContinuedFrom is null)
        {
            throw RpcErrors.Unsupported("a workflow retry policy");
        }

        if (string.IsNullOrEmpty(request.WorkflowId) || string.IsNullOrEmpty(request.WorkflowType?.Name) || string.IsNullOrEmpty(request.TaskQueue?.Name))
        {
            throw RpcErrors.InvalidArgument("workflow id, workflow type and task queue are required");
        }

        var ns = Namespace(request.Namespace);
        if (ns.UnregisteredSearchAttribute(request.SearchAttributes) is { } unregistered)
        {
            throw RpcErrors.InvalidArgument($"search attribute {unregistered} is not registered in namespace {ns.Name} (register it with --search-attribute {unregistered}=TYPE)");
        }
        if (origin.ContinuedFrom is null && latestRuns.GetValueOrDefault((ns.Name, request.WorkflowId)) is { } existing
            && CheckExisting(existing, request) is { } answer)
        {
            return (answer, false);
        }

        var run = new WorkflowRun(ns, request.WorkflowId, Guid.NewGuid().ToString(), request.WorkflowType.Name, request.TaskQueue.Name)
        {
            StartTime = Now,
            StartRequestId = string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId,
            Parent = origin.Parent,
            FirstRunId = origin.ContinuedFrom?.FirstRunId ?? "",
            RunTimeout = request.WorkflowRunTimeout is { } t && t.ToTimeSpan() > TimeSpan.Zero ? t : null,
            SearchAttributes = request.SearchAttributes?.Clone() ?? new SearchAttributes(),
            Memo = request.Memo?.Clone() ?? new Memo(),
            UserMetadata = request.UserMetadata,
            Root = origin.Parent?.Root ?? origin.ContinuedFrom?.Root,
        };
        if (string.IsNullOrEmpty(run.FirstRunId))
        {
            run.FirstRunId = run.RunId;
        }

        if (request.WorkflowTaskTimeout is { } wtt && wtt.ToTimeSpan() > TimeSpan.Zero)
        {
            run.WorkflowTaskTimeout = wtt;
        }

        AddRun(run);
        var started = WorkflowRun.NewEvent(EventType.WorkflowExecutionStarted, Now);
        var attributes = new WorkflowExecutionStartedEventAttributes
        {
            WorkflowType = request.WorkflowType,
            TaskQueue = new Temporalio.Api.TaskQueue.V1.TaskQueue { Name = request.TaskQueue.Name, Kind = TaskQueueKind.Normal },
            Input = request.Input,
            WorkflowExecutionTimeout = request.WorkflowExecutionTimeout,
            WorkflowRunTimeout = run.RunTimeout,
            WorkflowTaskTimeout = run.WorkflowTaskTimeout,
            Identity = request.Identity ?? "",
            OriginalExecutionRunId = run.RunId,
            FirstExecutionRunId = run.FirstRunId,
            Attempt = 1,
            Header = request.Header,
            Memo = request.Memo,
            SearchAttributes = request.SearchAttributes,
            RetryPolicy = request.RetryPolicy,
            WorkflowId = request.WorkflowId,
            ContinuedExecutionRunId = origin.ContinuedFrom?.RunId ?? "",
            Initiator = origin.Initiator,
            LastCompletionResult = origin.LastCompletionResult,
            ContinuedFailure = origin.ContinuedFailure,
            Priority = request.Priority,
            RootWorkflowExecution = run.Root,
            FirstWorkflowTaskBackoff = origin.FirstTaskBackoff,
        };
        var expiration = origin.ExpirationTime;
        if (expiration is null && request.WorkflowExecutionTimeout is { } et && et.ToTimeSpan() > TimeSpan.Zero)
        {
            expiration = Timestamp.FromDateTime(Now + et.ToTimeSpan());
        }

        attributes.WorkflowExecutionExpirationTime = expiration;
        if (origin.Parent is { } parent)
        {
            attributes.ParentWorkflowNamespace = parent.Namespace;
            attributes.ParentWorkflowNamespaceId = parent.NamespaceId;
            attributes.ParentWorkflowExecution = new WorkflowExecution { WorkflowId = parent.WorkflowId, RunId = parent.RunId };
            attributes.ParentInitiatedEventId = parent.InitiatedEventId;
        }

        started.WorkflowExecutionStartedEventAttributes = attributes;
        started.UserMetadata = request.UserMetadata;
        run.Append(started);
        ArmRunTimeouts(run, expiration);
        beforeFirstTask?.Invoke(run);
        if (origin.FirstTaskBackoff?.ToTimeSpan() is { } backoff && backoff > TimeSpan.Zero)
        {
            // Continue-as-new with a backoff: the run exists at once, its first workflow task waits.
            run.FirstTaskDue = Now + backoff;
            Clock.Schedule(backoff, () =>
            {
                run.FirstTaskDue = null;
                ScheduleWorkflowTask(run);
            });
        }
        else
        {
            ScheduleWorkflowTask(run);
        }

        return (run, true);
    }

    /// <summary>Applies the policies to the latest run with the same id: null to go ahead, a run to answer with, or a throw.</summary>
    private WorkflowRun? CheckExisting(WorkflowRun existing, StartWorkflowExecutionRequest request)
    {
        if (existing.IsRunning)
        {
            if (!string.IsNullOrEmpty(request.RequestId) && request.RequestId == existing.StartRequestId)
            {
                return existing;
            }

            var conflict = request.WorkflowIdConflictPolicy;
            if (conflict == WorkflowIdConflictPolicy.Unspecified)
            {
                conflict = request.WorkflowIdReusePolicy == WorkflowIdReusePolicy.TerminateIfRunning
                    ? WorkflowIdConflictPolicy.TerminateExisting
                    : WorkflowIdConflictPolicy.Fail;
            }

            switch (conflict)
            {
                case WorkflowIdConflictPolicy.UseExisting:
                    return existing;
                case WorkflowIdConflictPolicy.TerminateExisting:
                    Terminate(existing, "terminated by a new start with the same workflow id", null, request.Identity ?? "");
                    break;
                default:
                    throw AlreadyStarted(existing);
            }
        }

        var reuse = request.WorkflowIdReusePolicy;
        var rejected = reuse == WorkflowIdReusePolicy.RejectDuplicate
            || (reuse == WorkflowIdReusePolicy.AllowDuplicateFailedOnly && existing.Status == WorkflowExecutionStatus.Completed);
        return rejected ? throw AlreadyStarted(existing) : null;
    }

    private static RpcException AlreadyStarted(WorkflowRun existing) => RpcErrors.WithDetail(
        StatusCode.AlreadyExists,
        $"Workflow execution is already running or its id may not be reused. WorkflowId: {existing.WorkflowId}, RunId: {existing.RunId}.",
        new WorkflowExecutionAlreadyStartedFailure { StartRequestId = existing.StartRequestId, RunId = existing.RunId });

    private void ArmRunTimeouts(WorkflowRun run, Timestamp? expiration)
    {
        if (run.RunTimeout is { } runTimeout)
        {
            run.RunTimers.Add(Clock.Schedule(runTimeout.ToTimeSpan(), () => TimeOutRun(run)));
        }

        if (expiration is not null)
        {
            run.RunTimers.Add(Clock.Schedule(expiration.ToDateTime(), () => TimeOutRun(run)));
        }
    }
}
