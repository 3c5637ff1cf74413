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
            Priority = started.Priority,
        };
        var backoff = command.BackoffStartInterval is { } b && b.ToTimeSpan() > TimeSpan.Zero ? b : null;
        var origin = new RunOrigin(run.Parent, run, command.Initiator, command.LastCompletionResult, command.Failure,
            started.WorkflowExecutionExpirationTime, backoff);
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
            BackoffStartInterval = backoff,
        };

        // As in Temporal, continuing as new closes this run: its children meet the parent close policy.
        CloseRun(run, WorkflowExecutionStatus.ContinuedAsNew, continued);
    }
}
