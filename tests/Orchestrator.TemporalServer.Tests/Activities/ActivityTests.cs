using Orchestrator.Testing.Temporal;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using static Orchestrator.TemporalServer.Tests.Conformance;

namespace Orchestrator.TemporalServer.Tests.Activities;

/// <summary>Activities: success, retries, non-retryable failures, each timeout type, heartbeat details.</summary>
public sealed class ActivityTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private async Task<string> RunAsync(ConformanceActivities activities, ActivityWorkflow.Input input)
    {
        var queue = NewQueue();
        using var worker = Worker(env, queue, o => o.AddAllActivities(activities).AddWorkflow<ActivityWorkflow>());
        var withQueue = input with { TaskQueue = input.TaskQueue ?? queue };
        string result = "";
        await worker.RunAsync(async () =>
            result = await env.Client.ExecuteWorkflowAsync((ActivityWorkflow wf) => wf.RunAsync(withQueue), Options(NewId("activity"), queue)));
        return result;
    }

    [Fact]
    public async Task ExecuteActivity_Succeeds_ReturnsResult()
    {
        var result = await RunAsync(new ConformanceActivities(), new(nameof(ConformanceActivities.Greet)));

        result.ShouldBe("Hello, Temporal");
    }

    [Fact]
    public async Task ExecuteActivity_FailsTwiceThenSucceeds_RetriesUntilSuccess()
    {
        var activities = new ConformanceActivities();

        var result = await RunAsync(activities, new(nameof(ConformanceActivities.FlakyUntil), Argument: 3));

        result.ShouldBe("succeeded on attempt 3");
        activities.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task ExecuteActivity_MaximumAttemptsReached_FailsWithRetryState()
    {
        var activities = new ConformanceActivities();

        var result = await RunAsync(activities, new(nameof(ConformanceActivities.FlakyUntil), Argument: 10, MaximumAttempts: 2));

        result.ShouldBe($"failed::attempt 2 fails:{RetryState.MaximumAttemptsReached}");
        activities.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task ExecuteActivity_NonRetryableFailure_FailsOnFirstAttempt()
    {
        var activities = new ConformanceActivities();

        var result = await RunAsync(activities, new(nameof(ConformanceActivities.FailNonRetryable)));

        result.ShouldBe($"failed:BadInput:bad input:{RetryState.NonRetryableFailure}");
        activities.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteActivity_StartToCloseExceeded_TimesOut()
    {
        var result = await RunAsync(new ConformanceActivities(), new(nameof(ConformanceActivities.Hang), MaximumAttempts: 1, StartToCloseSeconds: 1));

        result.ShouldBe($"timeout:{TimeoutType.StartToClose}");
    }

    [Fact]
    public async Task ExecuteActivity_ScheduleToCloseExceeded_TimesOut()
    {
        var result = await RunAsync(new ConformanceActivities(),
            new(nameof(ConformanceActivities.Hang), StartToCloseSeconds: 10, ScheduleToCloseSeconds: 1.5));

        result.ShouldBe($"timeout:{TimeoutType.ScheduleToClose}");
    }

    [Fact]
    public async Task ExecuteActivity_NoWorkerOnQueue_TimesOutScheduleToStart()
    {
        var result = await RunAsync(new ConformanceActivities(),
            new(nameof(ConformanceActivities.Greet), ScheduleToStartSeconds: 1, TaskQueue: NewQueue()));

        result.ShouldBe($"timeout:{TimeoutType.ScheduleToStart}");
    }

    [Fact]
    public async Task ExecuteActivity_HeartbeatMissed_RetriesWithLastHeartbeatDetails()
    {
        var activities = new ConformanceActivities();

        var result = await RunAsync(activities, new(nameof(ConformanceActivities.HeartbeatThenHang), StartToCloseSeconds: 20, HeartbeatSeconds: 1));

        result.ShouldBe("progress-1");
        activities.HeartbeatDetailsSeen.ShouldBe([null, "progress-1"]);
    }

    [Fact]
    public async Task ExecuteActivity_HeartbeatMissedOnLastAttempt_TimesOutHeartbeat()
    {
        var result = await RunAsync(new ConformanceActivities(),
            new(nameof(ConformanceActivities.HeartbeatThenHang), MaximumAttempts: 1, StartToCloseSeconds: 20, HeartbeatSeconds: 1));

        result.ShouldBe($"timeout:{TimeoutType.Heartbeat}");
    }
}
