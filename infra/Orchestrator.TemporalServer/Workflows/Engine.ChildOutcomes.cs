using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer;

/// <summary>What a closing run means for its parent and for its children.</summary>
internal sealed partial class Engine
{
    private void NotifyParent(WorkflowRun run, HistoryEvent closeEvent)
    {
        if (run.Parent is not { } parentInfo || TryFindRun(parentInfo.Namespace, parentInfo.WorkflowId, parentInfo.RunId) is not { IsRunning: true } parent
            || !parent.Children.Remove(parentInfo.InitiatedEventId, out var child))
        {
            return;
        }

        var execution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId };
        var type = new WorkflowType { Name = run.WorkflowType };
        HistoryEvent e;
        switch (closeEvent.EventType)
        {
            case EventType.WorkflowExecutionCompleted:
                e = Event(EventType.ChildWorkflowExecutionCompleted);
                e.ChildWorkflowExecutionCompletedEventAttributes = new ChildWorkflowExecutionCompletedEventAttributes
                {
                    Result = closeEvent.WorkflowExecutionCompletedEventAttributes.Result,
                    Namespace = run.Namespace.Name, NamespaceId = run.Namespace.Id, WorkflowExecution = execution, WorkflowType = type,
                    InitiatedEventId = parentInfo.InitiatedEventId, StartedEventId = child.StartedEventId,
                };
                break;
            case EventType.WorkflowExecutionFailed:
                e = Event(EventType.ChildWorkflowExecutionFailed);
                e.ChildWorkflowExecutionFailedEventAttributes = new ChildWorkflowExecutionFailedEventAttributes
                {
                    Failure = closeEvent.WorkflowExecutionFailedEventAttributes.Failure,
                    RetryState = closeEvent.WorkflowExecutionFailedEventAttributes.RetryState,
                    Namespace = run.Namespace.Name, NamespaceId = run.Namespace.Id, WorkflowExecution = execution, WorkflowType = type,
                    InitiatedEventId = parentInfo.InitiatedEventId, StartedEventId = child.StartedEventId,
                };
                break;
            case EventType.WorkflowExecutionCanceled:
                e = Event(EventType.ChildWorkflowExecutionCanceled);
                e.ChildWorkflowExecutionCanceledEventAttributes = new ChildWorkflowExecutionCanceledEventAttributes
                {
                    Details = closeEvent.WorkflowExecutionCanceledEventAttributes.Details,
                    Namespace = run.Namespace.Name, NamespaceId = run.Namespace.Id, WorkflowExecution = execution, WorkflowType = type,
                    InitiatedEventId = parentInfo.InitiatedEventId, StartedEventId = child.StartedEventId,
                };
                break;
            case EventType.WorkflowExecutionTimedOut:
                e = Event(EventType.ChildWorkflowExecutionTimedOut);
                e.ChildWorkflowExecutionTimedOutEventAttributes = new ChildWorkflowExecutionTimedOutEventAttributes
                {
                    RetryState = RetryState.Timeout,
                    Namespace = run.Namespace.Name, NamespaceId = run.Namespace.Id, WorkflowExecution = execution, WorkflowType = type,
                    InitiatedEventId = parentInfo.InitiatedEventId, StartedEventId = child.StartedEventId,
                };
                break;
            default:
                e = Event(EventType.ChildWorkflowExecutionTerminated);
                e.ChildWorkflowExecutionTerminatedEventAttributes = new ChildWorkflowExecutionTerminatedEventAttributes
                {
                    Namespace = run.Namespace.Name, NamespaceId = run.Namespace.Id, WorkflowExecution = execution, WorkflowType = type,
                    InitiatedEventId = parentInfo.InitiatedEventId, StartedEventId = child.StartedEventId,
                };
                break;
        }

        Deliver(parent, e);
    }

    private void ApplyParentClosePolicy(WorkflowRun run)
    {
        foreach (var child in run.Children.Values.ToList())
        {
            if (TryFindRun(child.Namespace, child.WorkflowId, null) is not { IsRunning: true } childRun)
            {
                continue;
            }

            switch (child.ClosePolicy)
            {
                case ParentClosePolicy.Abandon:
                    break;
                case ParentClosePolicy.RequestCancel:
                    RequestCancel(childRun, "parent closed", "server");
                    break;
                default:
                    Terminate(childRun, "by parent close policy", null, "server");
                    break;
            }
        }

        run.Children.Clear();
    }
}
