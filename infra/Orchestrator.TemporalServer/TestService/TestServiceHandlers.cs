using Orchestrator.TemporalServer.Service;
using Temporalio.Api.TestService.V1;

namespace Orchestrator.TemporalServer.TestService;

/// <summary>
/// Temporal's TestService, which the SDK's time-skipping environment drives: it holds the skipping lock
/// except while it waits for a workflow result or sleeps, and reads the server's current time.
/// </summary>
internal static class TestServiceHandlers
{
    public static void Register(HandlerMap map, Engine engine)
    {
        map.Locked<LockTimeSkippingRequest>("LockTimeSkipping", _ =>
        {
            engine.Clock.LockCount++;
            return new LockTimeSkippingResponse();
        });
        map.Locked<UnlockTimeSkippingRequest>("UnlockTimeSkipping", _ =>
        {
            // Not an error below zero: several clients of one shared server may each unlock while they wait
            // for results; skipping is allowed while the count is zero or less and the calls stay balanced.
            engine.Clock.LockCount--;
            engine.Clock.NotifyChanged();
            return new UnlockTimeSkippingResponse();
        });
        map.Locked<Google.Protobuf.WellKnownTypes.Empty>("GetCurrentTime", _ => new GetCurrentTimeResponse { Time = engine.NowTimestamp });
        map.Async<SleepRequest>("Sleep", async (request, context) =>
        {
            await SleepUntilAsync(engine, null, request.Duration.ToTimeSpan(), unlock: false, context.CancellationToken).ConfigureAwait(false);
            return new SleepResponse();
        });
        map.Async<SleepUntilRequest>("SleepUntil", async (request, context) =>
        {
            await SleepUntilAsync(engine, request.Timestamp.ToDateTime(), TimeSpan.Zero, unlock: false, context.CancellationToken).ConfigureAwait(false);
            return new SleepResponse();
        });
        map.Async<SleepRequest>("UnlockTimeSkippingWithSleep", async (request, context) =>
        {
            await SleepUntilAsync(engine, null, request.Duration.ToTimeSpan(), unlock: true, context.CancellationToken).ConfigureAwait(false);
            return new SleepResponse();
        });
    }

    /// <summary>
    /// Waits until server time reaches a point, optionally releasing the skipping lock meanwhile. The lock is
    /// taken back by the wake-up itself, under the gate, so the clock cannot skip on past the sleep's end (to a
    /// later timer) in the moment before the waiting call resumes.
    /// </summary>
    private static async Task SleepUntilAsync(Engine engine, DateTime? until, TimeSpan duration, bool unlock, CancellationToken cancellation)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Time.ClockTimer wake;
        lock (engine.Gate)
        {
            var due = until ?? engine.Now + duration;
            wake = engine.Clock.Schedule(due, () =>
            {
                if (unlock)
                {
                    engine.Clock.LockCount++;
                }

                reached.TrySetResult();
            });
            if (unlock)
            {
                engine.Clock.LockCount--;
                engine.Clock.NotifyChanged();
            }
        }

        try
        {
            await reached.Task.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (engine.Gate)
            {
                // Cancelled before the wake-up: it will not run, so the lock is taken back here.
                if (!reached.Task.IsCompleted)
                {
                    wake.Cancelled = true;
                    if (unlock)
                    {
                        engine.Clock.LockCount++;
                    }
                }
            }

            throw;
        }
    }
}
