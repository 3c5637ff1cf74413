namespace Orchestrator.TemporalServer.Time;

/// <summary>A timer registered on the <see cref="VirtualClock"/>; cancelling it makes it never fire.</summary>
internal sealed class ClockTimer(DateTime due, Action fire)
{
    public DateTime Due { get; } = due;

    public Action Fire { get; } = fire;

    public bool Cancelled { get; set; }
}

/// <summary>
/// Server time: real time plus an offset. Every timeout, timer and retry backoff is a <see cref="ClockTimer"/>
/// here. In time-skipping mode, when nothing is outstanding (no workflow or activity task waiting or running)
/// and nobody holds the skipping lock, the offset jumps to the next timer, so a 30-day timer fires at once.
/// Workflow code sees this time because Workflow.UtcNow is the workflow task's started-event time.
/// All members are called under the engine's gate.
/// </summary>
internal sealed class VirtualClock(bool timeSkipping)
{
    private readonly PriorityQueue<ClockTimer, (DateTime Due, long Sequence)> timers = new();
    private long sequence;
    private TimeSpan offset;

    public bool TimeSkipping { get; } = timeSkipping;

    /// <summary>Holders of the skipping lock (TestService Lock/UnlockTimeSkipping); skipping is allowed at zero or
    /// below. The SDK's time-skipping environment starts locked and unlocks while it waits for a workflow result.</summary>
    public int LockCount { get; set; } = timeSkipping ? 1 : 0;

    public DateTime Now => DateTime.UtcNow + offset;

    /// <summary>Raised when the next due time may have changed, so the clock loop re-evaluates.</summary>
    public event Action? Changed;

    public ClockTimer Schedule(DateTime due, Action fire)
    {
        var timer = new ClockTimer(due, fire);
        timers.Enqueue(timer, (due, sequence++));
        Changed?.Invoke();
        return timer;
    }

    public ClockTimer Schedule(TimeSpan delay, Action fire) => Schedule(Now + delay, fire);

    public void NotifyChanged() => Changed?.Invoke();

    /// <summary>The earliest live timer, if any.</summary>
    public ClockTimer? PeekNext()
    {
        while (timers.TryPeek(out var timer, out _))
        {
            if (!timer.Cancelled)
            {
                return timer;
            }

            timers.Dequeue();
        }

        return null;
    }

    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public int FireDue()
    {
        var fired = 0;
        while (PeekNext() is { } next && next.Due <= Now)
        {
            timers.Dequeue();
            fired++;
            next.Fire();
        }

        return fired;
    }

    /// <summary>Moves the clock forward to <paramref name="to"/> (never backwards).</summary>
    public void SkipTo(DateTime to)
    {
        var now = Now;
        if (to > now)
        {
            offset += to - now;
        }
    }
}
