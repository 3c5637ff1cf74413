using Orchestrator.TemporalServer.Time;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Failure.V1;
using Temporalio.Api.History.V1;

namespace Orchestrator.TemporalServer.Activities;

/// <summary>
/// A scheduled activity of a run, across its attempts: the attempt in flight, the last failure and the
/// last heartbeat details (which survive retries), and the timers of its timeouts.
/// </summary>
internal sealed class ActivityState(long scheduledEventId, ActivityTaskScheduledEventAttributes attributes, DateTime scheduledTime)
{
    public long ScheduledEventId { get; } = scheduledEventId;

    public ActivityTaskScheduledEventAttributes Attributes { get; } = attributes;

    public string ActivityId => Attributes.ActivityId;

    public DateTime FirstScheduledTime { get; } = scheduledTime;

    public DateTime AttemptScheduledTime { get; set; } = scheduledTime;

    public int Attempt { get; set; } = 1;

    /// <summary>Set while an attempt runs on a worker.</summary>
    public DateTime? StartedTime { get; set; }

    public string StartedIdentity { get; set; } = "";

    /// <summary>Waiting for a retry backoff: neither in a queue nor running.</summary>
    public bool InBackoff { get; set; }

    public Payloads? HeartbeatDetails { get; set; }

    public DateTime? LastHeartbeatTime { get; set; }

    public Failure? LastFailure { get; set; }

    public bool CancelRequested { get; set; }

    public long CancelRequestedEventId { get; set; }

    /// <summary>Timers of the current attempt (schedule-to-start, start-to-close, heartbeat, backoff).</summary>
    public List<ClockTimer> AttemptTimers { get; } = [];

    public ClockTimer? HeartbeatTimer { get; set; }

    public ClockTimer? ScheduleToCloseTimer { get; set; }

    public bool IsStarted => StartedTime is not null;

    public void CancelAttemptTimers()
    {
        foreach (var timer in AttemptTimers)
        {
            timer.Cancelled = true;
        }

        AttemptTimers.Clear();
        if (HeartbeatTimer is not null)
        {
            HeartbeatTimer.Cancelled = true;
            HeartbeatTimer = null;
        }
    }

    public void CancelAllTimers()
    {
        CancelAttemptTimers();
        if (ScheduleToCloseTimer is not null)
        {
            ScheduleToCloseTimer.Cancelled = true;
        }
    }
}
