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
            Priority = command.Priority,
            UserMetadata = context.UserMetadata,
        };
        var child = new ChildState { Namespace = ns, WorkflowId = command.WorkflowId, WorkflowType = command.WorkflowType.Name, ClosePolicy = command.ParentClosePolicy };
        try
        {
            run.Children[initiated.EventId] = child;
            var root = run.Root ?? new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId };
            var parent = new ParentInfo(run.Namespace.Name, run.Namespace.Id, run.WorkflowId, run.RunId, initiated.EventId, root);
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
}
