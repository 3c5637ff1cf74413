using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Workflow.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    public static DescribeWorkflowExecutionResponse Describe(WorkflowRun run)
    {
        var started = run.History[0].WorkflowExecutionStartedEventAttributes;
        var response = new DescribeWorkflowExecutionResponse
        {
            ExecutionConfig = new WorkflowExecutionConfig
            {
                TaskQueue = started.TaskQueue,
                WorkflowExecutionTimeout = started.WorkflowExecutionTimeout,
                WorkflowRunTimeout = started.WorkflowRunTimeout,
                DefaultWorkflowTaskTimeout = run.WorkflowTaskTimeout,
                UserMetadata = run.UserMetadata,
            },
            WorkflowExecutionInfo = Info(run),
        };
        foreach (var activity in run.Activities.Values)
        {
            response.PendingActivities.Add(new PendingActivityInfo
            {
                ActivityId = activity.ActivityId,
                ActivityType = activity.Attributes.ActivityType,
                State = activity.CancelRequested ? PendingActivityState.CancelRequested
                    : activity.IsStarted ? PendingActivityState.Started : PendingActivityState.Scheduled,
                HeartbeatDetails = activity.HeartbeatDetails,
                LastHeartbeatTime = activity.LastHeartbeatTime is { } hb ? Timestamp.FromDateTime(hb) : null,
                LastStartedTime = activity.StartedTime is { } st ? Timestamp.FromDateTime(st) : null,
                Attempt = activity.Attempt,
                MaximumAttempts = activity.Attributes.RetryPolicy.MaximumAttempts,
                ScheduledTime = Timestamp.FromDateTime(activity.AttemptScheduledTime),
                LastFailure = activity.LastFailure,
                LastWorkerIdentity = activity.StartedIdentity,
            });
        }

        foreach (var (initiated, child) in run.Children)
        {
            response.PendingChildren.Add(new PendingChildExecutionInfo
            {
                WorkflowId = child.WorkflowId, RunId = child.RunId, WorkflowTypeName = child.WorkflowType,
                InitiatedId = initiated, ParentClosePolicy = child.ClosePolicy,
            });
        }

        if (run.WorkflowTask is { } task)
        {
            response.PendingWorkflowTask = new PendingWorkflowTaskInfo
            {
                State = task.Started ? PendingWorkflowTaskState.Started : PendingWorkflowTaskState.Scheduled,
                ScheduledTime = Timestamp.FromDateTime(task.ScheduledTime),
                StartedTime = task.Started ? Timestamp.FromDateTime(task.StartedTime) : null,
                Attempt = task.Attempt,
            };
        }

        return response;
    }

    private static WorkflowExecutionInfo Info(WorkflowRun run)
    {
        var info = new WorkflowExecutionInfo
        {
            Execution = new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
            Type = new WorkflowType { Name = run.WorkflowType },
            StartTime = Timestamp.FromDateTime(run.StartTime),
            ExecutionTime = Timestamp.FromDateTime(run.StartTime + (run.History[0].WorkflowExecutionStartedEventAttributes.FirstWorkflowTaskBackoff?.ToTimeSpan() ?? TimeSpan.Zero)),
            CloseTime = run.CloseTime is { } closed ? Timestamp.FromDateTime(closed) : null,
            Status = run.Status,
            HistoryLength = run.History.Count,
            Memo = run.Memo,
            SearchAttributes = run.SearchAttributes,
            TaskQueue = run.TaskQueue,
            FirstRunId = run.FirstRunId,
            RootExecution = run.Root ?? new WorkflowExecution { WorkflowId = run.WorkflowId, RunId = run.RunId },
            HistorySizeBytes = run.HistorySizeBytes,
        };
        if (run.Parent is { } parent)
        {
            info.ParentNamespaceId = parent.NamespaceId;
            info.ParentExecution = new WorkflowExecution { WorkflowId = parent.WorkflowId, RunId = parent.RunId };
        }

        return info;
    }

    /// <summary>
    /// Lists runs, newest first, filtered by a conjunction of equalities on WorkflowId, RunId, WorkflowType,
    /// ExecutionStatus and TaskQueue (the subset of Temporal's visibility query language this server supports).
    /// With a page size, one page: the token names the last run of the page, so runs started meanwhile
    /// (which sort first) never shift later pages.
    /// </summary>
    public (List<WorkflowExecutionInfo> Page, ByteString NextPageToken) List(string ns, string query, int pageSize = 0, ByteString? pageToken = null)
    {
        Namespace(ns);
        var filters = ParseQuery(query);
        var ordered = Runs(ns)
            .Where(run => filters.All(f => f(run)))
            .OrderByDescending(run => run.StartTime).ThenByDescending(run => run.RunId, StringComparer.Ordinal);
        IEnumerable<WorkflowRun> rest = ordered;
        if (pageToken is { IsEmpty: false })
        {
            var (ticks, runId) = ParsePageToken(pageToken);
            rest = ordered.SkipWhile(run => run.StartTime.Ticks > ticks
                || (run.StartTime.Ticks == ticks && string.CompareOrdinal(run.RunId, runId) >= 0));
        }

        if (pageSize <= 0)
        {
            return (rest.Select(Info).ToList(), ByteString.Empty);
        }

        var page = rest.Take(pageSize + 1).ToList();
        var more = page.Count > pageSize;
        page = page.Take(pageSize).ToList();
        var token = more ? ByteString.CopyFromUtf8($"{page[^1].StartTime.Ticks}:{page[^1].RunId}") : ByteString.Empty;
        return (page.Select(Info).ToList(), token);
    }

    private static (long Ticks, string RunId) ParsePageToken(ByteString token)
    {
        var text = token.ToStringUtf8();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(text[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            ? (ticks, text[(colon + 1)..])
            : throw RpcErrors.InvalidArgument("malformed next_page_token");
    }

    private static List<Func<WorkflowRun, bool>> ParseQuery(string query)
    {
        var filters = new List<Func<WorkflowRun, bool>>();
        if (string.IsNullOrWhiteSpace(query))
        {
            return filters;
        }

        foreach (var clause in Regex.Split(query.Trim(), @"\s+AND\s+", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))
        {
            var match = Regex.Match(clause.Trim(), """^`?(\w+)`?\s*=\s*(?:'([^']*)'|"([^"]*)")$""", RegexOptions.None, TimeSpan.FromSeconds(1));
            if (!match.Success)
            {
                throw RpcErrors.InvalidArgument($"unsupported list query clause '{clause}': only Key = 'value' joined by AND is supported");
            }

            var value = match.Groups[2].Success ? match.Groups[2].Value : match.Groups[3].Value;
            filters.Add(match.Groups[1].Value switch
            {
                "WorkflowId" => run => run.WorkflowId == value,
                "RunId" => run => run.RunId == value,
                "WorkflowType" => run => run.WorkflowType == value,
                "TaskQueue" => run => run.TaskQueue == value,
                "ExecutionStatus" => run => string.Equals(run.Status.ToString(), value, StringComparison.OrdinalIgnoreCase),
                var key => throw RpcErrors.InvalidArgument($"unsupported list query key {key}"),
            });
        }

        return filters;
    }
}
