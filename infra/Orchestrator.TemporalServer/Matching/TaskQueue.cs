using Google.Protobuf;

namespace Orchestrator.TemporalServer.Matching;

/// <summary>A task waiting in a queue. It is turned into a poll response only when handed to a poller,
/// because a workflow task's history must be read at dispatch time; null means it went stale.</summary>
internal interface IQueuedTask
{
    IMessage? TryDispatch(string identity);
}

/// <summary>
/// One task queue of one kind (workflow or activity): a backlog of tasks and a line of waiting long polls.
/// All members run under the engine's gate, and a waiting poller is only ever completed under the gate,
/// so a poller still in the line is guaranteed to receive what it is handed.
/// </summary>
internal sealed class TaskQueue
{
    private readonly Queue<IQueuedTask> backlog = new();
    private readonly LinkedList<Poller> pollers = new();

    public DateTime LastPollTime { get; private set; }

    public void Add(IQueuedTask task)
    {
        while (pollers.First is { } first)
        {
            pollers.RemoveFirst();
            var response = task.TryDispatch(first.Value.Identity);
            if (response is null)
            {
                pollers.AddFirst(first);
                return;
            }

            first.Value.Completion.SetResult(response);
            return;
        }

        backlog.Enqueue(task);
    }

    /// <summary>Takes a task from the backlog, or puts the poller in line and returns null.</summary>
    public IMessage? TryTake(Poller poller)
    {
        LastPollTime = DateTime.UtcNow;
        while (backlog.TryDequeue(out var task))
        {
            if (task.TryDispatch(poller.Identity) is { } response)
            {
                return response;
            }
        }

        poller.Node = pollers.AddLast(poller);
        return null;
    }

    /// <summary>Gives up a poll that timed out or was cancelled; false when a task was already handed to it.</summary>
    public bool Withdraw(Poller poller)
    {
        if (poller.Node?.List is null)
        {
            return false;
        }

        pollers.Remove(poller.Node);
        return true;
    }
}

/// <summary>A long poll waiting for a task.</summary>
internal sealed class Poller(string identity)
{
    public string Identity { get; } = identity;

    public TaskCompletionSource<IMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkedListNode<Poller>? Node { get; set; }
}
