using Grpc.Core;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

/// <summary>Signals and cancellation requests sent to runs, by clients or by other workflows.</summary>
internal sealed partial class Engine
{
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
