using Google.Protobuf.WellKnownTypes;
using Orchestrator.TemporalServer.Activities;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.Failure.V1;

namespace Orchestrator.TemporalServer.Tests.Activities;

/// <summary>Temporal's retry rules as the server applies them to activities.</summary>
public sealed class RetryPoliciesTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static Failure Application(bool nonRetryable = false, string type = "Boom") =>
        new() { Message = "boom", ApplicationFailureInfo = new ApplicationFailureInfo { Type = type, NonRetryable = nonRetryable } };

    [Fact]
    public void Complete_EmptyPolicy_FillsServerDefaults()
    {
        var policy = RetryPolicies.Complete(null);

        policy.InitialInterval.ToTimeSpan().ShouldBe(TimeSpan.FromSeconds(1));
        policy.BackoffCoefficient.ShouldBe(2);
        policy.MaximumInterval.ToTimeSpan().ShouldBe(TimeSpan.FromSeconds(100));
        policy.MaximumAttempts.ShouldBe(0);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(20, 100)]
    public void Decide_RetryableFailure_BacksOffExponentiallyUpToMaximum(int attempt, double expectedSeconds)
    {
        var (delay, state) = RetryPolicies.Decide(RetryPolicies.Complete(null), attempt, Application(), Now, null);

        state.ShouldBe(RetryState.InProgress);
        delay.ShouldBe(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Fact]
    public void Decide_NonRetryableFlagOrListedType_DoesNotRetry()
    {
        var policy = RetryPolicies.Complete(new RetryPolicy { NonRetryableErrorTypes = { "Fatal" } });

        RetryPolicies.Decide(policy, 1, Application(nonRetryable: true), Now, null).State.ShouldBe(RetryState.NonRetryableFailure);
        RetryPolicies.Decide(policy, 1, Application(type: "Fatal"), Now, null).State.ShouldBe(RetryState.NonRetryableFailure);
    }

    [Fact]
    public void Decide_LastAttempt_ReportsMaximumAttemptsReached()
    {
        var policy = RetryPolicies.Complete(new RetryPolicy { MaximumAttempts = 3 });

        RetryPolicies.Decide(policy, 3, Application(), Now, null).State.ShouldBe(RetryState.MaximumAttemptsReached);
    }

    [Fact]
    public void Decide_BackoffBeyondScheduleToClose_ReportsTimeout()
    {
        var (delay, state) = RetryPolicies.Decide(RetryPolicies.Complete(null), 1, Application(), Now, Now.AddMilliseconds(500));

        delay.ShouldBeNull();
        state.ShouldBe(RetryState.Timeout);
    }

    [Fact]
    public void Decide_NextRetryDelayOnFailure_OverridesBackoff()
    {
        var failure = Application();
        failure.ApplicationFailureInfo.NextRetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(7));

        RetryPolicies.Decide(RetryPolicies.Complete(null), 5, failure, Now, null).Delay.ShouldBe(TimeSpan.FromSeconds(7));
    }
}
