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
    /// by RespondQueryTaskCompleted. Queries never write history. As in Temporal, a query sees every event
    /// written before it arrived: while a workflow task is scheduled or running it waits for that task.
    /// </summary>
    public async Task<QueryWorkflowResponse> QueryAsync(QueryWorkflowRequest request, ServerCallContext context)
    {
        var queryId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<RespondQueryTaskCompletedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            var run = FindRun(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
            if (Rejects(request.QueryRejectCondition, run.Status))
            {
                return new QueryWorkflowResponse { QueryRejected = new QueryRejected { Status = run.Status } };
            }

            pendingQueries[queryId] = answer;
            var dispatch = new QueryDispatch(this, run, queryId, request.Query);
            if (MustWaitForWorkflowTask(run))
            {
                run.DeferredQueries.Add(() => Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(dispatch));
            }
            else
            {
                Queue(run.Namespace.Name, run.TaskQueue, activity: false).Add(dispatch);
            }
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

        // A workflow task was scheduled since the query was queued: the query waits for it, so it sees the
        // events that task brings (a worker handed a query for a run it is still processing can also lose it).
        if (MustWaitForWorkflowTask(run))
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

    private static bool MustWaitForWorkflowTask(WorkflowRun run) => run.IsRunning && run.WorkflowTask is not null;

    private static bool Rejects(QueryRejectCondition condition, WorkflowExecutionStatus status) => condition switch
    {
        QueryRejectCondition.NotOpen => status != WorkflowExecutionStatus.Running,
        QueryRejectCondition.NotCompletedCleanly => status is not (WorkflowExecutionStatus.Running or WorkflowExecutionStatus.Completed),
        _ => false,
    };

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
