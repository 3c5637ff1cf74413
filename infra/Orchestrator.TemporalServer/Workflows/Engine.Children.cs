using Grpc.Core;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    private void ContinueAsNew(CommandContext context, ContinueAsNewWorkflowExecutionCommandAttributes command)
    {
        var run = context.Run;
        var started = run.History[0].WorkflowExecutionStartedEventAttributes;
        var request = new StartWorkflowExecutionRequest
        {
            Namespace = run.Namespace.Name,
            WorkflowId = run.WorkflowId,
            WorkflowType = command.WorkflowType ?? started.WorkflowType,
            TaskQueue = command.TaskQueue is { Name.Length: > 0 } queue ? queue : started.TaskQueue,
            Input = command.Input,
            WorkflowRunTimeout = command.WorkflowRunTimeout ?? started.WorkflowRunTimeout,
            WorkflowTaskTimeout = command.WorkflowTaskTimeout ?? started.WorkflowTaskTimeout,
            WorkflowExecutionTimeout = started.WorkflowExecutionTimeout,
            Header = command.Header,
            Memo = command.Memo ?? run.Memo,
            SearchAttributes = command.SearchAttributes ?? run.SearchAttributes,
            RetryPolicy = command.RetryPolicy ?? started.RetryPolicy,
            Identity = context.Identity,
        };
        var origin = new RunOrigin(run.Parent, run, command.Initiator, command.LastCompletionResult, command.Failure,
            started.WorkflowExecutionExpirationTime);
        var next = StartWorkflow(request, origin).Run;
        run.NextRunId = next.RunId;
        var continued = Event(EventType.WorkflowExecutionContinuedAsNew);
        continued.WorkflowExecutionContinuedAsNewEventAttributes = new WorkflowExecutionContinuedAsNewEventAttributes
        {
            NewExecutionRunId = next.RunId,
            WorkflowType = request.WorkflowType,
            TaskQueue = request.TaskQueue,
            Input = command.Input,
            WorkflowRunTimeout = request.WorkflowRunTimeout,
            WorkflowTaskTimeout = request.WorkflowTaskTimeout,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Initiator = command.Initiator,
            Failure = command.Failure,
            LastCompletionResult = command.LastCompletionResult,
            Header = command.Header,
            Memo = command.Memo,
            SearchAttributes = command.SearchAttributes,
        };

        // As in Temporal, continuing as new closes this run: its children meet the parent close policy.
        CloseRun(run, WorkflowExecutionStatus.ContinuedAsNew, continued);
    }

    private void StartChild(CommandContext context, StartChildWorkflowExecutionCommandAttributes command)
    {
        var run = context.Run;
        var ns = string.IsNullOrEmpty(command.Namespace) ? run.Namespace.Name : command.Namespace;
        var initiated = Event(EventType.StartChildWorkflowExecutionInitiated);
        initiated.StartChildWorkflowExecutionInitiatedEventAttributes = new StartChildWorkflowExecutionInitiatedEventAttributes
        {
            Namespace = ns,
            NamespaceId = Namespace(ns).Id,
            WorkflowId = command.WorkflowId,
            WorkflowType = command.WorkflowType,
            TaskQueue = command.TaskQueue,
            Input = command.Input,
            WorkflowExecutionTimeout = command.WorkflowExecutionTimeout,
            WorkflowRunTimeout = command.WorkflowRunTimeout,
            WorkflowTaskTimeout = command.WorkflowTaskTimeout,
            ParentClosePolicy = command.ParentClosePolicy,
            Control = command.Control,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            WorkflowIdReusePolicy = command.WorkflowIdReusePolicy,
            RetryPolicy = command.RetryPolicy,
            CronSchedule = command.CronSchedule,
            Header = command.Header,
            Memo = command.Memo,
            SearchAttributes = command.SearchAttributes,
            Priority = command.Priority,
        };
        run.Append(initiated);
        var request = new StartWorkflowExecutionRequest
        {
            Namespace = ns,
            WorkflowId = command.WorkflowId,
            WorkflowType = command.WorkflowType,
            TaskQueue = command.TaskQueue is { Name.Length: > 0 } queue ? queue : new Temporalio.Api.TaskQueue.V1.TaskQueue { Name = run.TaskQueue },
            Input = command.Input,
            WorkflowExecutionTimeout = command.WorkflowExecutionTimeout,
            WorkflowRunTimeout = command.WorkflowRunTimeout,
            WorkflowTaskTimeout = command.WorkflowTaskTimeout,
            WorkflowIdReusePolicy = command.WorkflowIdReusePolicy,
            RetryPolicy = command.RetryPolicy,
            Header = command.Header,
            Memo = command.Memo,
            SearchAttributes = command.SearchAttributes,
            Identity = context.Identity,
            RequestId = Guid.NewGuid().ToString(),
        };
        var child = new ChildState { Namespace = ns, WorkflowId = command.WorkflowId, WorkflowType = command.WorkflowType.Name, ClosePolicy = command.ParentClosePolicy };
        try
        {
            run.Children[initiated.EventId] = child;
            var parent = new ParentInfo(run.Namespace.Name, run.Namespace.Id, run.WorkflowId, run.RunId, initiated.EventId);
            var childRun = StartWorkflow(request, new RunOrigin(Parent: parent)).Run;
            child.RunId = childRun.RunId;
            var started = Event(EventType.ChildWorkflowExecutionStarted);
            started.ChildWorkflowExecutionStartedEventAttributes = new ChildWorkflowExecutionStartedEventAttributes
            {
                Namespace = ns,
                NamespaceId = childRun.Namespace.Id,
                InitiatedEventId = initiated.EventId,
                WorkflowExecution = new WorkflowExecution { WorkflowId = childRun.WorkflowId, RunId = childRun.RunId },
                WorkflowType = command.WorkflowType,
                Header = command.Header,
            };
            Deliver(run, started);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            run.Children.Remove(initiated.EventId);
            var failed = Event(EventType.StartChildWorkflowExecutionFailed);
            failed.StartChildWorkflowExecutionFailedEventAttributes = new StartChildWorkflowExecutionFailedEventAttributes
            {
                Namespace = ns,
                NamespaceId = Namespace(ns).Id,
                WorkflowId = command.WorkflowId,
                WorkflowType = command.WorkflowType,
                Cause = StartChildWorkflowExecutionFailedCause.WorkflowAlreadyExists,
                Control = command.Control,
                InitiatedEventId = initiated.EventId,
                WorkflowTaskCompletedEventId = context.CompletedEventId,
            };
            Deliver(run, failed);
        }
    }

    private void SignalExternal(CommandContext context, SignalExternalWorkflowExecutionCommandAttributes command)
    {
        var run = context.Run;
        var ns = string.IsNullOrEmpty(command.Namespace) ? run.Namespace.Name : command.Namespace;
        var initiated = Event(EventType.SignalExternalWorkflowExecutionInitiated);
        initiated.SignalExternalWorkflowExecutionInitiatedEventAttributes = new SignalExternalWorkflowExecutionInitiatedEventAttributes
        {
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Namespace = ns,
            NamespaceId = Namespace(ns).Id,
            WorkflowExecution = command.Execution,
            SignalName = command.SignalName,
            Input = command.Input,
            Control = command.Control,
            ChildWorkflowOnly = command.ChildWorkflowOnly,
            Header = command.Header,
        };
        run.Append(initiated);
        var target = TryFindRun(ns, command.Execution.WorkflowId, command.Execution.RunId);
        if (target is { IsRunning: true })
        {
            Signal(target, command.SignalName, command.Input, command.Header, context.Identity);
            var signaled = Event(EventType.ExternalWorkflowExecutionSignaled);
            signaled.ExternalWorkflowExecutionSignaledEventAttributes = new ExternalWorkflowExecutionSignaledEventAttributes
            {
                InitiatedEventId = initiated.EventId,
                Namespace = ns,
                NamespaceId = target.Namespace.Id,
                WorkflowExecution = new WorkflowExecution { WorkflowId = target.WorkflowId, RunId = target.RunId },
                Control = command.Control,
            };
            Deliver(run, signaled);
            return;
        }

        var failed = Event(EventType.SignalExternalWorkflowExecutionFailed);
        failed.SignalExternalWorkflowExecutionFailedEventAttributes = new SignalExternalWorkflowExecutionFailedEventAttributes
        {
            Cause = SignalExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Namespace = ns,
            NamespaceId = Namespace(ns).Id,
            WorkflowExecution = command.Execution,
            InitiatedEventId = initiated.EventId,
            Control = command.Control,
        };
        Deliver(run, failed);
    }

    private void CancelExternal(CommandContext context, RequestCancelExternalWorkflowExecutionCommandAttributes command)
    {
        var run = context.Run;
        var ns = string.IsNullOrEmpty(command.Namespace) ? run.Namespace.Name : command.Namespace;
        var execution = new WorkflowExecution { WorkflowId = command.WorkflowId, RunId = command.RunId };
        var initiated = Event(EventType.RequestCancelExternalWorkflowExecutionInitiated);
        initiated.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes = new RequestCancelExternalWorkflowExecutionInitiatedEventAttributes
        {
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Namespace = ns,
            NamespaceId = Namespace(ns).Id,
            WorkflowExecution = execution,
            Control = command.Control,
            ChildWorkflowOnly = command.ChildWorkflowOnly,
            Reason = command.Reason,
        };
        run.Append(initiated);
        var target = TryFindRun(ns, command.WorkflowId, command.RunId);
        if (target is { IsRunning: true })
        {
            RequestCancel(target, command.Reason, context.Identity, new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId }, initiated.EventId);
            var requested = Event(EventType.ExternalWorkflowExecutionCancelRequested);
            requested.ExternalWorkflowExecutionCancelRequestedEventAttributes = new ExternalWorkflowExecutionCancelRequestedEventAttributes
            {
                InitiatedEventId = initiated.EventId,
                Namespace = ns,
                NamespaceId = target.Namespace.Id,
                WorkflowExecution = new WorkflowExecution { WorkflowId = target.WorkflowId, RunId = target.RunId },
            };
            Deliver(run, requested);
            return;
        }

        var failed = Event(EventType.RequestCancelExternalWorkflowExecutionFailed);
        failed.RequestCancelExternalWorkflowExecutionFailedEventAttributes = new RequestCancelExternalWorkflowExecutionFailedEventAttributes
        {
            Cause = CancelExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
            WorkflowTaskCompletedEventId = context.CompletedEventId,
            Namespace = ns,
            NamespaceId = Namespace(ns).Id,
            WorkflowExecution = execution,
            InitiatedEventId = initiated.EventId,
            Control = command.Control,
        };
        Deliver(run, failed);
    }

    public void Signal(WorkflowRun run, string name, Payloads? input, Header? header, string identity)
    {
        var signaled = Event(EventType.WorkflowExecutionSignaled);
        signaled.WorkflowExecutionSignaledEventAttributes = new WorkflowExecutionSignaledEventAttributes
        {
            SignalName = name,
            Input = input,
            Header = header,
            Identity = identity ?? "",
        };
        Deliver(run, signaled);
    }
}
