using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer.Service;

/// <summary>Worker-side RPCs: polling and answering workflow, query and activity tasks.</summary>
internal static class TaskHandlers
{
    public static void Register(HandlerMap map, Engine engine)
    {
        map.Async<PollWorkflowTaskQueueRequest>("PollWorkflowTaskQueue", (request, context) =>
            engine.PollAsync(request.Namespace, request.TaskQueue.Name, activity: false, request.Identity, new PollWorkflowTaskQueueResponse(), context));
        map.Locked<RespondWorkflowTaskCompletedRequest>("RespondWorkflowTaskCompleted", engine.CompleteWorkflowTask);
        map.Locked<RespondWorkflowTaskFailedRequest>("RespondWorkflowTaskFailed", request =>
        {
            var (run, task) = engine.RunningWorkflowTask(request.TaskToken);
            engine.FailWorkflowTask(run, task, request.Cause, request.Failure, request.Identity);
            return new RespondWorkflowTaskFailedResponse();
        });
        map.Async<RespondQueryTaskCompletedRequest>("RespondQueryTaskCompleted", (request, _) =>
        {
            engine.AnswerQuery(request);
            return Task.FromResult<Google.Protobuf.IMessage>(new RespondQueryTaskCompletedResponse());
        });

        // Stickiness is not implemented (every task carries the full history on the normal queue), so a
        // worker shutting down leaves nothing behind to release.
        map.Locked<ShutdownWorkerRequest>("ShutdownWorker", _ => new ShutdownWorkerResponse());

        map.Async<PollActivityTaskQueueRequest>("PollActivityTaskQueue", (request, context) =>
            engine.PollAsync(request.Namespace, request.TaskQueue.Name, activity: true, request.Identity, new PollActivityTaskQueueResponse(), context));
        map.Locked<RecordActivityTaskHeartbeatRequest>("RecordActivityTaskHeartbeat", request =>
        {
            var (run, activity) = engine.RunningActivity(request.TaskToken);
            return new RecordActivityTaskHeartbeatResponse { CancelRequested = engine.Heartbeat(run, activity, request.Details) };
        });
        map.Locked<RecordActivityTaskHeartbeatByIdRequest>("RecordActivityTaskHeartbeatById", request =>
        {
            var (run, activity) = engine.RunningActivity(request.Namespace, request.WorkflowId, request.RunId, request.ActivityId);
            return new RecordActivityTaskHeartbeatByIdResponse { CancelRequested = engine.Heartbeat(run, activity, request.Details) };
        });
        map.Locked<RespondActivityTaskCompletedRequest>("RespondActivityTaskCompleted", request =>
        {
            var (run, activity) = engine.RunningActivity(request.TaskToken);
            engine.CompleteActivity(run, activity, request.Result, request.Identity);
            return new RespondActivityTaskCompletedResponse();
        });
        map.Locked<RespondActivityTaskCompletedByIdRequest>("RespondActivityTaskCompletedById", request =>
        {
            var (run, activity) = engine.RunningActivity(request.Namespace, request.WorkflowId, request.RunId, request.ActivityId);
            engine.CompleteActivity(run, activity, request.Result, request.Identity);
            return new RespondActivityTaskCompletedByIdResponse();
        });
        map.Locked<RespondActivityTaskFailedRequest>("RespondActivityTaskFailed", request =>
        {
            var (run, activity) = engine.RunningActivity(request.TaskToken);
            engine.FailActivity(run, activity, request.Failure, request.LastHeartbeatDetails, request.Identity);
            return new RespondActivityTaskFailedResponse();
        });
        map.Locked<RespondActivityTaskFailedByIdRequest>("RespondActivityTaskFailedById", request =>
        {
            var (run, activity) = engine.RunningActivity(request.Namespace, request.WorkflowId, request.RunId, request.ActivityId);
            engine.FailActivity(run, activity, request.Failure, request.LastHeartbeatDetails, request.Identity);
            return new RespondActivityTaskFailedByIdResponse();
        });
        map.Locked<RespondActivityTaskCanceledRequest>("RespondActivityTaskCanceled", request =>
        {
            var (run, activity) = engine.RunningActivity(request.TaskToken);
            engine.CanceledActivity(run, activity, request.Details, request.Identity);
            return new RespondActivityTaskCanceledResponse();
        });
        map.Locked<RespondActivityTaskCanceledByIdRequest>("RespondActivityTaskCanceledById", request =>
        {
            var (run, activity) = engine.RunningActivity(request.Namespace, request.WorkflowId, request.RunId, request.ActivityId);
            engine.CanceledActivity(run, activity, request.Details, request.Identity);
            return new RespondActivityTaskCanceledByIdResponse();
        });
    }
}
