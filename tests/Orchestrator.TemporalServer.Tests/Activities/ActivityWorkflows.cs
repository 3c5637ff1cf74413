using Temporalio.Activities;
using Temporalio.Common;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.TemporalServer.Tests.Activities;

/// <summary>Activities whose behaviour the tests steer through constructor arguments.</summary>
public sealed class ConformanceActivities
{
    private int attempts;

    public int Attempts => attempts;

    public List<string?> HeartbeatDetailsSeen { get; } = [];

    [Activity]
    public string Greet(string name)
    {
        Interlocked.Increment(ref attempts);
        return $"Hello, {name}";
    }

    /// <summary>A result of the given size, to grow a workflow's history.</summary>
    [Activity]
    public string Blob(int kilobytes)
    {
        Interlocked.Increment(ref attempts);
        return new('x', kilobytes * 1024);
    }

    [Activity]
    public async Task<string> Sleep(double seconds)
    {
        Interlocked.Increment(ref attempts);
        await Task.Delay(TimeSpan.FromSeconds(seconds), ActivityExecutionContext.Current.CancellationToken);
        return "slept";
    }

    /// <summary>Fails until the given attempt, then succeeds.</summary>
    [Activity]
    public string FlakyUntil(int succeedOnAttempt)
    {
        Interlocked.Increment(ref attempts);
        var attempt = ActivityExecutionContext.Current.Info.Attempt;
        return attempt < succeedOnAttempt
            ? throw new ApplicationFailureException($"attempt {attempt} fails")
            : $"succeeded on attempt {attempt}";
    }

    [Activity]
    public string FailNonRetryable()
    {
        Interlocked.Increment(ref attempts);
        throw new ApplicationFailureException("bad input", errorType: "BadInput", nonRetryable: true);
    }

    /// <summary>Heartbeats progress, then on the first attempt hangs so the heartbeat times out.</summary>
    [Activity]
    public async Task<string> HeartbeatThenHang()
    {
        var context = ActivityExecutionContext.Current;
        var seen = context.Info.HeartbeatDetails.Count > 0 ? await context.Info.HeartbeatDetailAtAsync<string>(0) : null;
        lock (HeartbeatDetailsSeen)
        {
            HeartbeatDetailsSeen.Add(seen);
        }

        if (context.Info.Attempt == 1)
        {
            context.Heartbeat("progress-1");
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        return seen ?? "none";
    }

    /// <summary>Sleeps (without heartbeats) longer than any timeout the tests set.</summary>
    [Activity]
    public async Task Hang()
    {
        Interlocked.Increment(ref attempts);
        await Task.Delay(TimeSpan.FromSeconds(30), ActivityExecutionContext.Current.CancellationToken);
    }

    public bool CancellationSeen { get; private set; }

    /// <summary>Heartbeats until cancelled, then reports cancellation.</summary>
    [Activity]
    public async Task<string> WaitForCancel()
    {
        Interlocked.Increment(ref attempts);
        var context = ActivityExecutionContext.Current;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            context.Heartbeat();
            try
            {
                await Task.Delay(100, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        CancellationSeen = context.CancellationToken.IsCancellationRequested;
        context.CancellationToken.ThrowIfCancellationRequested();
        return "not cancelled";
    }
}

/// <summary>Runs one activity with the given options and returns its result or its failure's text.</summary>
[Workflow]
public sealed class ActivityWorkflow
{
    public sealed record Input(string Activity, int Argument = 0, int MaximumAttempts = 0, double StartToCloseSeconds = 10,
        double? HeartbeatSeconds = null, double? ScheduleToCloseSeconds = null, double? ScheduleToStartSeconds = null, string? TaskQueue = null);

    [WorkflowRun]
    public async Task<string> RunAsync(Input input)
    {
        var options = new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(input.StartToCloseSeconds),
            HeartbeatTimeout = input.HeartbeatSeconds is { } hb ? TimeSpan.FromSeconds(hb) : null,
            ScheduleToCloseTimeout = input.ScheduleToCloseSeconds is { } stc ? TimeSpan.FromSeconds(stc) : null,
            ScheduleToStartTimeout = input.ScheduleToStartSeconds is { } sts ? TimeSpan.FromSeconds(sts) : null,
            TaskQueue = input.TaskQueue,
            RetryPolicy = new RetryPolicy
            {
                InitialInterval = TimeSpan.FromMilliseconds(100),
                BackoffCoefficient = 1,
                MaximumAttempts = input.MaximumAttempts,
            },
        };
        try
        {
            return input.Activity switch
            {
                nameof(ConformanceActivities.Greet) => await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Greet("Temporal"), options),
                nameof(ConformanceActivities.FlakyUntil) => await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.FlakyUntil(input.Argument), options),
                nameof(ConformanceActivities.FailNonRetryable) => await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.FailNonRetryable(), options),
                nameof(ConformanceActivities.HeartbeatThenHang) => await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.HeartbeatThenHang(), options),
                nameof(ConformanceActivities.Hang) => await HangAsync(options),
                _ => throw new ApplicationFailureException($"unknown activity {input.Activity}", nonRetryable: true),
            };
        }
        catch (ActivityFailureException e)
        {
            return e.InnerException switch
            {
                TimeoutFailureException timeout => $"timeout:{timeout.TimeoutType}",
                ApplicationFailureException app => $"failed:{app.ErrorType}:{app.Message}:{e.RetryState}",
                var other => $"failed:{other?.GetType().Name}",
            };
        }
    }

    private static async Task<string> HangAsync(ActivityOptions options)
    {
        await Workflow.ExecuteActivityAsync((ConformanceActivities a) => a.Hang(), options);
        return "completed";
    }
}
