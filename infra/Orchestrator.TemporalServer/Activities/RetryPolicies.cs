using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Orchestrator.TemporalServer.Activities;

/// <summary>Temporal's retry rules: defaults, backoff, and when a failure is final.</summary>
internal static class RetryPolicies
{
    /// <summary>
    /// Fills the server defaults (1 s initial interval, x2 backoff, 100x maximum interval, unlimited attempts).
    /// Workers need a complete policy: the .NET activity worker crashes on a partial one.
    /// </summary>
    public static RetryPolicy Complete(RetryPolicy? policy)
    {
        var complete = policy?.Clone() ?? new RetryPolicy();
        if (complete.InitialInterval is null || complete.InitialInterval.ToTimeSpan() <= TimeSpan.Zero)
        {
            complete.InitialInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(1));
        }

        if (complete.BackoffCoefficient < 1)
        {
            complete.BackoffCoefficient = 2;
        }

        if (complete.MaximumInterval is null || complete.MaximumInterval.ToTimeSpan() <= TimeSpan.Zero)
        {
            complete.MaximumInterval = Duration.FromTimeSpan(complete.InitialInterval.ToTimeSpan() * 100);
        }

        return complete;
    }

    /// <summary>Either the delay before the next attempt, or why there is none.</summary>
    public static (TimeSpan? Delay, RetryState State) Decide(
        RetryPolicy policy, int attempt, Failure failure, DateTime now, DateTime? scheduleToCloseDeadline)
    {
        if (IsNonRetryable(policy, failure))
        {
            return (null, RetryState.NonRetryableFailure);
        }

        if (policy.MaximumAttempts > 0 && attempt >= policy.MaximumAttempts)
        {
            return (null, RetryState.MaximumAttemptsReached);
        }

        var delay = failure.ApplicationFailureInfo?.NextRetryDelay?.ToTimeSpan() is { } explicitDelay && explicitDelay > TimeSpan.Zero
            ? explicitDelay
            : Backoff(policy, attempt);
        if (scheduleToCloseDeadline is { } deadline && now + delay >= deadline)
        {
            return (null, RetryState.Timeout);
        }

        return (delay, RetryState.InProgress);
    }

    private static TimeSpan Backoff(RetryPolicy policy, int attempt)
    {
        var seconds = policy.InitialInterval.ToTimeSpan().TotalSeconds * Math.Pow(policy.BackoffCoefficient, attempt - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, policy.MaximumInterval.ToTimeSpan().TotalSeconds));
    }

    private static bool IsNonRetryable(RetryPolicy policy, Failure failure)
    {
        if (failure.ApplicationFailureInfo is { } app)
        {
            return app.NonRetryable || policy.NonRetryableErrorTypes.Contains(app.Type);
        }

        // A timeout is retryable unless the policy lists its type name as Temporal does ("TemporalTimeout:StartToClose").
        if (failure.TimeoutFailureInfo is { } timeout)
        {
            return policy.NonRetryableErrorTypes.Contains($"TemporalTimeout:{TimeoutName(timeout.TimeoutType)}");
        }

        return false;
    }

    public static string TimeoutName(TimeoutType type) => type switch
    {
        TimeoutType.StartToClose => "StartToClose",
        TimeoutType.ScheduleToStart => "ScheduleToStart",
        TimeoutType.ScheduleToClose => "ScheduleToClose",
        TimeoutType.Heartbeat => "Heartbeat",
        _ => "Unspecified",
    };
}
