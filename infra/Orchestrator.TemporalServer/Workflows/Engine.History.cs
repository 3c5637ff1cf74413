using System.Globalization;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Orchestrator.TemporalServer.Workflows;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    private const int DefaultHistoryPageSize = 1000;

    /// <summary>
    /// A page of history. With wait_new_event it long-polls: the SDK waits for a result with the CLOSE_EVENT
    /// filter, and an empty page that still has a next_page_token makes it ask again.
    /// </summary>
    public async Task<GetWorkflowExecutionHistoryResponse> GetHistoryAsync(GetWorkflowExecutionHistoryRequest request, ServerCallContext context)
    {
        var closeOnly = request.HistoryEventFilterType == HistoryEventFilterType.CloseEvent;
        var from = request.NextPageToken.IsEmpty ? 1 : long.Parse(Encoding.UTF8.GetString(request.NextPageToken.Span), CultureInfo.InvariantCulture);
        var pageSize = request.MaximumPageSize > 0 ? request.MaximumPageSize : DefaultHistoryPageSize;
        var deadline = DateTime.UtcNow + Options.LongPollTimeout;
        if (context.Deadline - TimeSpan.FromSeconds(2) < deadline)
        {
            deadline = context.Deadline - TimeSpan.FromSeconds(2);
        }

        while (true)
        {
            Task changed;
            lock (Gate)
            {
                var run = FindRun(request.Namespace, request.Execution.WorkflowId, request.Execution.RunId);
                if (TryPage(run, closeOnly, from, pageSize, request.WaitNewEvent) is { } page)
                {
                    return page;
                }

                changed = run.HistoryChanged;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || context.CancellationToken.IsCancellationRequested)
            {
                // Nothing new yet: an empty page with a token tells the SDK to poll again.
                return new GetWorkflowExecutionHistoryResponse { History = new History(), NextPageToken = Token(from) };
            }

            try
            {
                await changed.WaitAsync(left, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Loop once more: answers empty with a token.
            }
        }
    }

    private static GetWorkflowExecutionHistoryResponse? TryPage(WorkflowRun run, bool closeOnly, long from, int pageSize, bool wait)
    {
        var response = new GetWorkflowExecutionHistoryResponse { History = new History() };
        if (closeOnly)
        {
            if (!run.IsRunning)
            {
                response.History.Events.Add(run.History[^1].Clone());
                return response;
            }

            return wait ? null : response;
        }

        if (from <= run.History.Count)
        {
            var page = run.History.Skip((int)(from - 1)).Take(pageSize).Select(e => e.Clone()).ToList();
            response.History.Events.AddRange(page);
            var next = from + page.Count;
            if (next <= run.History.Count || (wait && run.IsRunning))
            {
                response.NextPageToken = Token(next);
            }

            return response;
        }

        return wait && run.IsRunning ? null : response;
    }

    private static ByteString Token(long next) => ByteString.CopyFromUtf8(next.ToString(CultureInfo.InvariantCulture));
}
