using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Monitor;

namespace Orchestrator.Workflows.Tests.Monitor;

/// <summary>The monitor's loop with fake activities on the time-skipping server: checks are driven by CheckNow, the grace period by skipped time.</summary>
[Collection(TimeSkippingServer.Name)]
public sealed class ModelMonitorWorkflowTests(TimeSkippingTemporalEnvironment env)
{
    private readonly FakeMonitorActivities _fakes = new();

    [Fact]
    public async Task Check_DriftOnEveryCheck_StartsExactlyOneRetrainWhileItIsInFlight()
    {
        _fakes.Drifting = true;
        await MonitorHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await MonitorHarness.StartAsync(env, _fakes, 3);
            for (var check = 1; check <= 3; check++)
            {
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                var expected = check;
                await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected);
            }

            var status = await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 3);
            var retrain = _fakes.Retrains.ShouldHaveSingleItem();
            retrain.Detection.ShouldBe(1);
            retrain.Production.Version.ShouldBe(3);
            retrain.Production.CheckpointDigest.ShouldBe("sha256:checkpoint");
            retrain.Reason.ShouldContain("psi:confidence");
            status.State.Retrain!.RunId.ShouldBe("retrain-3-1");
            status.State.LastDecision!.ShouldContain("still in flight");
            _fakes.Measured.Select(m => m.IdempotencyKey).Distinct().Count().ShouldBe(3);
            await handle.TerminateAsync();
        });
    }

    [Fact]
    public async Task Check_ThirtySevenPredictionsPerInterval_AccumulatesUntilJudgedAndSaysSinceWhenItWasNot()
    {
        // Every check is signalled; the monitor's own (weekly) timer is not due while the test runs, and the harness waits for
        // the monitor's first task before the first CheckNow, so no check measures the empty window [start, start].
        _fakes.CheckInterval = TimeSpan.FromDays(7);
        _fakes.PredictionsPerCheck = 37;
        _fakes.Drifting = true;
        await MonitorHarness.WatchAsync(env, _fakes, 3, async handle =>
        {
            var decisions = new List<string>();
            for (var check = 1; check <= 6; check++)
            {
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                var expected = check;
                // The sixth check's decision is final only once its retrain request has answered (Checks counts the check first).
                decisions.Add((await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected
                    && (expected < 6 || s.State.LastDecision!.Contains("retrain run", StringComparison.Ordinal)))).State.LastDecision!);
            }

            // Exactly the six signalled checks ran, each over a window from where monitoring began to its own time.
            var measured = _fakes.Measured.ToList();
            measured.Count.ShouldBe(6);
            var since = measured[0].From;
            measured.ShouldAllBe(m => m.From == since && m.UnjudgedSince == since && m.To > since);
            // Five checks of 37, 74, ... 185 predictions are not judged, and each says since when and how many of how many.
            var stamp = since.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            decisions.Take(5).ShouldBe([.. Enumerable.Range(1, 5).Select(n => FormattableString.Invariant($"not judged since {stamp}: {37 * n} predictions of 200 needed"))]);
            // The sixth sees 222 and judges them: the drifting statistic asks for the one retrain.
            decisions[5].ShouldStartWith("drift on v3: psi:confidence=0.6");
            decisions[5].ShouldContain("retrain run retrain-3-1 requested");
            _fakes.Retrains.ShouldHaveSingleItem().Reason.ShouldStartWith("drift on v3");

            // Judged, the window moves on: the seventh check counts only its own 37 and is not judged again.
            await handle.SignalAsync(wf => wf.CheckNowAsync());
            var after = await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 7);
            _fakes.Measured.Last().From.ShouldBe(measured[5].To);
            after.State.LastReport!.Samples.ShouldBe(37);
            after.State.LastOutcomes!.Single(c => c.Check == DriftDecision.MinSamplesCheck).Outcome.ShouldBe(Orchestrator.Workflows.Policies.CheckOutcome.NotMeasured);
        });
    }

    [Fact]
    public async Task Check_TooFewPredictionsUnderAWaiver_RecordsTheCheckWaivedWithItsReasonAndKeepsAccumulating()
    {
        _fakes.CheckInterval = TimeSpan.FromDays(7);
        _fakes.PredictionsPerCheck = 37;
        _fakes.Waivers = [new("drift.min-samples", "a clinic model: about 40 predictions a day is all it gets")];
        await MonitorHarness.WatchAsync(env, _fakes, 3, async handle =>
        {
            for (var check = 1; check <= 2; check++)
            {
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                var expected = check;
                await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected);
            }

            var status = await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 2);
            var minSamples = status.State.LastOutcomes!.Single(c => c.Check == DriftDecision.MinSamplesCheck);
            (minSamples.Outcome, minSamples.Waiver).ShouldBe((Orchestrator.Workflows.Policies.CheckOutcome.Waived, "a clinic model: about 40 predictions a day is all it gets"));
            status.State.LastDecision!.ShouldEndWith("74 predictions of 200 needed; waived by the policy: a clinic model: about 40 predictions a day is all it gets");
            // Waived is not judged: the window still begins where monitoring began, and the measurement is handed the waivers to record with the silence.
            var measured = _fakes.Measured.ToList();
            measured[1].From.ShouldBe(measured[0].From);
            measured.ShouldAllBe(m => m.Waivers!.Single().Check == "drift.min-samples");
        });
    }

    [Fact]
    public async Task CheckNow_HandledInTheMonitorsFirstTask_MeasuresFromTheWorkflowStartNotAnEmptyWindow()
    {
        // No worker polls the queue yet, so the hand-over's start (with ProductionChanged) and a CheckNow sent right after it are
        // handled in one first workflow task: the race a CheckNow just after a promotion runs into when the worker is busy.
        var handle = await MonitorHarness.StartAsync(env, _fakes, 3);
        try
        {
            await handle.SignalAsync(wf => wf.CheckNowAsync());
            await MonitorHarness.RunAsync(env, _fakes, async () =>
            {
                await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 1);

                var events = (await handle.FetchHistoryAsync()).Events.ToList();
                var firstTask = events.FindIndex(e => e.EventType == Temporalio.Api.Enums.V1.EventType.WorkflowTaskStarted);
                events.Take(firstTask).Count(e => e.EventType == Temporalio.Api.Enums.V1.EventType.WorkflowExecutionSignaled).ShouldBe(2, "both signals precede the first task");
                var started = new DateTimeOffset(events[0].EventTime.ToDateTime(), TimeSpan.Zero);
                // The window runs from where monitoring began (the workflow's start) to the check: not [first task, first task].
                var measured = _fakes.Measured.ShouldHaveSingleItem();
                measured.To.ShouldBeGreaterThan(measured.From, "the first check measured an empty window");
                measured.From.ShouldBe(started);
                measured.UnjudgedSince.ShouldBe(started);
            });
        }
        finally
        {
            await handle.TerminateAsync();
        }
    }

    [Fact]
    public async Task Check_NoDrift_StartsNoRetrain()
    {
        await MonitorHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await MonitorHarness.StartAsync(env, _fakes, 3);
            await handle.SignalAsync(wf => wf.CheckNowAsync());
            var status = await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 1);

            _fakes.Retrains.ShouldBeEmpty();
            status.State.LastReport!.Samples.ShouldBe(500);
            status.State.LastDecision.ShouldBe("no statistic beyond the policy");
            await handle.TerminateAsync();
        });
    }

    [Fact]
    public async Task ProductionChanged_SupersededVersion_DecommissionedAfterGracePeriodNotBefore()
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "the configured Temporal server does not skip time");

        // Weekly checks, so only the grace period's timer fires while time is skipped.
        _fakes.CheckInterval = TimeSpan.FromDays(7);
        _fakes.GracePeriod = TimeSpan.FromHours(2);
        await MonitorHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await MonitorHarness.StartAsync(env, _fakes, 3);
            await handle.SignalAsync(wf => wf.ProductionChangedAsync(new ProductionChange(_fakes.Version(4, "run-2"), 3)));
            var pending = (await MonitorHarness.UntilAsync(handle, s => s.State.Pending.Count == 1)).State.Pending.Single();
            pending.Version.ShouldBe(3);
            pending.Reason.ShouldBe("superseded by v4");

            await env.Environment.DelayAsync(TimeSpan.FromHours(3), TestContext.Current.CancellationToken);
            var status = await MonitorHarness.UntilAsync(handle, s => s.State.Pending.Count == 0 && !_fakes.Decommissioned.IsEmpty);

            var (input, scheduled) = _fakes.Decommissioned.ShouldHaveSingleItem();
            input.Version.ShouldBe(3);
            input.Reason.ShouldBe("superseded by v4");
            new DateTimeOffset(scheduled, TimeSpan.Zero).ShouldBeGreaterThanOrEqualTo(pending.Due);
            status.Production.ShouldBe(4);
            await handle.TerminateAsync();
        });
    }

    [Fact]
    public async Task ServingStopped_CheckNow_MeasuresNothingUntilResumed()
    {
        await MonitorHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await MonitorHarness.StartAsync(env, _fakes, 3);
            await handle.SignalAsync(wf => wf.ServingStoppedAsync("emergency stop by dana: wrong labels"));
            await handle.SignalAsync(wf => wf.CheckNowAsync());
            var stopped = await MonitorHarness.UntilAsync(handle, s => s.State.ServingStopped is not null);

            stopped.State.ServingStopped.ShouldBe("emergency stop by dana: wrong labels");
            stopped.NextCheck.ShouldBeNull();
            _fakes.Measured.ShouldBeEmpty();

            await handle.SignalAsync(wf => wf.ServingResumedAsync("resumed with approval"));
            await handle.SignalAsync(wf => wf.CheckNowAsync());
            await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 1);
            _fakes.Measured.Count.ShouldBe(1);
            await handle.TerminateAsync();
        });
    }

    [Fact]
    public async Task ContinueAsNew_AfterChecksPerRun_KeepsRetrainAndCounts()
    {
        _fakes.Drifting = true;
        await MonitorHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await MonitorHarness.StartAsync(env, _fakes, 3, checksPerRun: 2);
            var first = (await handle.DescribeAsync()).RunId;
            for (var check = 1; check <= 3; check++)
            {
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                var expected = check;
                await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected);
            }

            var latest = handle with { RunId = null };
            (await latest.DescribeAsync()).RunId.ShouldNotBe(first);
            var status = await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 3);
            status.State.Retrain!.RunId.ShouldBe("retrain-3-1");
            status.State.Detections.ShouldBe(1);
            _fakes.Retrains.Count.ShouldBe(1);
            _fakes.Measured.Select(m => m.IdempotencyKey).ShouldBe([$"{handle.Id}/check-1", $"{handle.Id}/check-2", $"{handle.Id}/check-3"]);
            await latest.TerminateAsync();
        });
    }
}
