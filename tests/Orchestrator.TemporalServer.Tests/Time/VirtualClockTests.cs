using Orchestrator.TemporalServer.Time;

namespace Orchestrator.TemporalServer.Tests.Time;

/// <summary>The server clock: timers fire in due order, cancelled ones never, skipping only moves forward.</summary>
public sealed class VirtualClockTests
{
    [Fact]
    public void FireDue_TimersDue_FireInDueOrderAndSkipCancelled()
    {
        var clock = new VirtualClock(timeSkipping: true);
        var fired = new List<string>();
        clock.Schedule(TimeSpan.FromHours(2), () => fired.Add("late"));
        clock.Schedule(TimeSpan.FromHours(1), () => fired.Add("early"));
        var cancelled = clock.Schedule(TimeSpan.FromMinutes(30), () => fired.Add("cancelled"));
        cancelled.Cancelled = true;

        clock.SkipTo(clock.Now + TimeSpan.FromHours(3));
        clock.FireDue().ShouldBe(2);

        fired.ShouldBe(["early", "late"]);
    }

    [Fact]
    public void FireDue_TimerNotYetDue_DoesNotFire()
    {
        var clock = new VirtualClock(timeSkipping: false);
        var fired = false;
        clock.Schedule(TimeSpan.FromDays(1), () => fired = true);

        clock.FireDue().ShouldBe(0);

        fired.ShouldBeFalse();
        clock.PeekNext().ShouldNotBeNull();
    }

    [Fact]
    public void SkipTo_PastTime_NeverMovesBackwards()
    {
        var clock = new VirtualClock(timeSkipping: true);
        var before = clock.Now;

        clock.SkipTo(before - TimeSpan.FromDays(1));

        clock.Now.ShouldBeGreaterThanOrEqualTo(before);
    }

    [Fact]
    public void LockCount_TimeSkippingClock_StartsLockedLikeTheTestServer()
    {
        new VirtualClock(timeSkipping: true).LockCount.ShouldBe(1);
        new VirtualClock(timeSkipping: false).LockCount.ShouldBe(0);
    }
}
