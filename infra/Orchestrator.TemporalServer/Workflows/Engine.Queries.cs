using Google.Protobuf;
using Grpc.Core;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.ErrorDetails.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.Query.V1;
using ApiTaskQueue = Temporalio.Api.TaskQueue.V1.TaskQueue;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    private readonly Dictionary<string, TaskCompletionSource<RespondQueryTaskCompletedRequest>> pendingQueries = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs a query as a legacy query task: a workflow task carrying the query and the run's history, answered
    /// by RespondQueryTaskCompleted. Queries never write history.
    /// </summary>
    public async Task<QueryWorkflowResponse> QueryAsync(QueryWorkflowRequest request, ServerCallContext context)
    {
        var queryId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<RespondQueryTaskCompletedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            var run = FindRun(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
            pendingQueries[queryId] = answer;
            Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(new QueryDispatch(this, run, queryId, request.Query));
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            timeout.CancelAfter(context.Deadline - DateTime.UtcNow is var left && left < TimeSpan.FromSeconds(60) ? left : TimeSpan.FromSeconds(60));
            var response = await answer.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (response.CompletedType == QueryResultType.Answered)
            {
                return new QueryWorkflowResponse { QueryResult = response.QueryResult };
            }

            throw RpcErrors.WithDetail(StatusCode.InvalidArgument, response.ErrorMessage, new QueryFailedFailure { Failure = response.Failure });
        }
        catch (OperationCanceledException)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no worker answered the query in time"));
        }
        finally
        {
            lock (Gate)
            {
                pendingQueries.Remove(queryId);
            }
        }
    }

    public void AnswerQuery(RespondQueryTaskCompletedRequest request)
    {
        var token = TaskToken.Parse(request.TaskToken, TaskKind.Query);
        lock (Gate)
        {
            if (!pendingQueries.Remove(token.QueryId, out var answer))
            {
                throw RpcErrors.NotFound("query not found (it timed out)");
            }

            answer.SetResult(request);
        }
    }

    private PollWorkflowTaskQueueResponse? StartQueryTask(WorkflowRun run, string queryId, WorkflowQuery query)
    {
        if (!pendingQueries.ContainsKey(queryId))
        {
            return null;
        }

        // As Temporal does, a query waits while a workflow task is in flight: a worker handed a query for a
        // run it is still processing can lose it, leaving the caller to time out.
        if (run.IsRunning && run.WorkflowTask is { Started: true })
        {
            run.DeferredQueries.Add(() => Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(new QueryDispatch(this, run, queryId, query)));
            return null;
        }

        var response = new PollWorkflowTaskQueueResponse
        {
            TaskToken = new TaskToken(TaskKind.Query, run.Namespace.Name, run.WorkflowId, run.RunId, 0, 1, queryId).ToByteString(),
            WorkflowExecution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
            WorkflowType = new WorkflowType { Name = run.WorkflowType },
            PreviousStartedEventId = run.LastCompletedStartedEventId,
            StartedEventId = run.LastCompletedStartedEventId,
            Attempt = 1,
            History = new History(),
            Query = query,
            WorkflowExecutionTaskQueue = new ApiTaskQueue { Name = run.TaskQueue, Kind = TaskQueueKind.Normal },
            ScheduledTime = NowTimestamp,
            StartedTime = NowTimestamp,
        };

        // The worker replays what the last completed workflow task saw, never a task still in flight.
        var upTo = run.IsRunning ? LastCompletedTaskEnd(run) : run.History.Count;
        response.History.Events.AddRange(run.History.Take(upTo).Select(e => e.Clone()));
        return response;
    }

    /// <summary>Puts the queries held back during a workflow task back in line (under the gate).</summary>
    private static void ReleaseDeferredQueries(WorkflowRun run)
    {
        var deferred = run.DeferredQueries.ToList();
        run.DeferredQueries.Clear();
        deferred.ForEach(dispatch => dispatch());
    }

    private static int LastCompletedTaskEnd(WorkflowRun run)
    {
        for (var i = run.History.Count - 1; i >= 0; i--)
        {
            if (run.History[i].EventType == EventType.WorkflowTaskCompleted)
            {
                return i + 1;
            }
        }

        return run.History.Count;
    }

    private sealed class QueryDispatch(Engine engine, WorkflowRun run, string queryId, WorkflowQuery query) : IQueuedTask
    {
        public IMessage? TryDispatch(string identity) => engine.StartQueryTask(run, queryId, query);
    }
}
