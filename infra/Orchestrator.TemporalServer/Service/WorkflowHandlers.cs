using Temporalio.Api.Enums.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer.Service;

/// <summary>Client-side workflow RPCs: start, signal, query, cancel, terminate, describe, list, history.</summary>
internal static class WorkflowHandlers
{
    public static void Register(HandlerMap map, Engine engine)
    {
        map.Locked<StartWorkflowExecutionRequest>("StartWorkflowExecution", request =>
        {
            var (run, started) = engine.StartWorkflow(request, new RunOrigin());
            return new StartWorkflowExecutionResponse { RunId = run.RunId, Started = started, Status = run.Status };
        });
        map.Locked<SignalWithStartWorkflowExecutionRequest>("SignalWithStartWorkflowExecution", request =>
        {
            if (engine.TryFindRun(engine.Namespace(request.Namespace).Name, request.WorkflowId, null) is { IsRunning: true } running
                && request.WorkflowIdConflictPolicy != WorkflowIdConflictPolicy.TerminateExisting)
            {
                engine.Signal(running, request.SignalName, request.SignalInput, request.Header, request.Identity);
                return new SignalWithStartWorkflowExecutionResponse { RunId = running.RunId, Started = false };
            }

            var start = new StartWorkflowExecutionRequest
            {
                Namespace = request.Namespace, WorkflowId = request.WorkflowId, WorkflowType = request.WorkflowType,
                TaskQueue = request.TaskQueue, Input = request.Input, WorkflowExecutionTimeout = request.WorkflowExecutionTimeout,
                WorkflowRunTimeout = request.WorkflowRunTimeout, WorkflowTaskTimeout = request.WorkflowTaskTimeout,
                Identity = request.Identity, RequestId = request.RequestId, WorkflowIdReusePolicy = request.WorkflowIdReusePolicy,
                WorkflowIdConflictPolicy = request.WorkflowIdConflictPolicy, RetryPolicy = request.RetryPolicy,
                CronSchedule = request.CronSchedule, Memo = request.Memo, SearchAttributes = request.SearchAttributes,
                Header = request.Header, WorkflowStartDelay = request.WorkflowStartDelay, Priority = request.Priority,
                UserMetadata = request.UserMetadata,
            };
            var (run, _) = engine.StartWorkflow(start, new RunOrigin(),
                beforeFirstTask: r => engine.Signal(r, request.SignalName, request.SignalInput, request.Header, request.Identity));
            return new SignalWithStartWorkflowExecutionResponse { RunId = run.RunId, Started = true };
        });
        map.Locked<SignalWorkflowExecutionRequest>("SignalWorkflowExecution", request =>
        {
            var run = engine.FindRun(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
            if (!run.IsRunning)
            {
                throw Grpc.RpcErrors.NotFound("workflow execution already completed");
            }

            engine.Signal(run, request.SignalName, request.Input, request.Header, request.Identity);
            return new SignalWorkflowExecutionResponse();
        });
        map.Locked<RequestCancelWorkflowExecutionRequest>("RequestCancelWorkflowExecution", request =>
        {
            // As in Temporal, cancelling a run that already closed succeeds and changes nothing.
            var run = engine.FindRun(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
            engine.RequestCancel(run, request.Reason, request.Identity);
            return new RequestCancelWorkflowExecutionResponse();
        });
        map.Locked<TerminateWorkflowExecutionRequest>("TerminateWorkflowExecution", request =>
        {
            var run = engine.FindRun(request.Namespace, request.WorkflowExecution.WorkflowId, request.WorkflowExecution.RunId);
            if (!run.IsRunning)
            {
                throw Grpc.RpcErrors.NotFound("workflow execution already completed");
            }

            engine.Terminate(run, request.Reason, request.Details, request.Identity);
            return new TerminateWorkflowExecutionResponse();
        });
        map.Locked<DescribeWorkflowExecutionRequest>("DescribeWorkflowExecution", request =>
            Engine.Describe(engine.FindRun(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId)));
        map.Locked<ListWorkflowExecutionsRequest>("ListWorkflowExecutions", request =>
        {
            var (page, next) = engine.List(request.Namespace, request.Query, request.PageSize, request.NextPageToken);
            var response = new ListWorkflowExecutionsResponse { NextPageToken = next };
            response.Executions.AddRange(page);
            return response;
        });
        map.Locked<CountWorkflowExecutionsRequest>("CountWorkflowExecutions", request =>
            new CountWorkflowExecutionsResponse { Count = engine.List(request.Namespace, request.Query).Page.Count });
        map.Async<GetWorkflowExecutionHistoryRequest>("GetWorkflowExecutionHistory", async (request, context) =>
            await engine.GetHistoryAsync(request, context).ConfigureAwait(false));
        map.Async<QueryWorkflowRequest>("QueryWorkflow", async (request, context) =>
            await engine.QueryAsync(request, context).ConfigureAwait(false));
        map.Async<UpdateWorkflowExecutionRequest>("UpdateWorkflowExecution", async (request, context) =>
            await engine.UpdateAsync(request, context).ConfigureAwait(false));
        map.Async<PollWorkflowExecutionUpdateRequest>("PollWorkflowExecutionUpdate", async (request, context) =>
            await engine.PollUpdateAsync(request, context).ConfigureAwait(false));
    }
}
