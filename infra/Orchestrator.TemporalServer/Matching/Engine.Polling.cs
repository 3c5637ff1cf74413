using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Namespaces;
using Orchestrator.TemporalServer.Time;
using Orchestrator.TemporalServer.Workflows;

namespace Orchestrator.TemporalServer;

internal sealed partial class Engine
{
    public TaskQueue Queue(string ns, string name, bool activity)
    {
        if (!queues.TryGetValue((ns, name, activity), out var queue))
        {
            queue = new TaskQueue();
            queues[(ns, name, activity)] = queue;
        }

        return queue;
    }

    /// <summary>Long-polls a task queue: a task, or <paramref name="empty"/> after the long-poll timeout.</summary>
    public async Task<IMessage> PollAsync(string ns, string queueName, bool activity, string identity, IMessage empty, ServerCallContext context)
    {
        var poller = new Poller(identity);
        TaskQueue queue;
        lock (Gate)
        {
            Namespace(ns);
            queue = Queue(ns, queueName, activity);
            if (queue.TryTake(poller) is { } immediate)
            {
                return immediate;
            }
        }

        var wait = Options.LongPollTimeout;
        var remaining = context.Deadline - DateTime.UtcNow - TimeSpan.FromSeconds(2);
        if (remaining < wait)
        {
            wait = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(wait);
        await using var registration = timeout.Token.Register(() =>
        {
            lock (Gate)
            {
                if (queue.Withdraw(poller))
                {
                    poller.Completion.SetResult(empty);
                }
            }
        }).ConfigureAwait(false);
        return await poller.Completion.Task.ConfigureAwait(false);
    }
}
