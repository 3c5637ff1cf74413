using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Tests.Monitor;

public sealed class DriftDecisionTests
{
    private static readonly DriftTerms Terms = new(TimeSpan.FromHours(1), 200, 0.25, 0.01, 0.85, 50, 0.05);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DriftContext Idle = new(null, null, Now, TimeSpan.FromHours(6));

    private static HealthReport Report(int samples, int feedback, params DriftStatistic[] statistics) => new("shapes", 3, samples, feedback, statistics, false);

    [Fact]
    public void Decide_BreachedPsiWithEnoughSamples_Retrains()
    {
        var verdict = DriftDecision.Decide(Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true), new DriftStatistic("error-rate", 0.01, 0.05, false)), Terms, Idle);

        verdict.Retrain.ShouldBeTrue();
        verdict.Breached.ShouldBe(["psi:confidence"]);
        verdict.Reason.ShouldContain("psi:confidence=0.4");
    }

    [Fact]
    public void Decide_TooFewSamples_DoesNotRetrain()
    {
        var verdict = DriftDecision.Decide(Report(199, 0, new DriftStatistic("psi:confidence", 0.9, 0.25, true)), Terms, Idle);

        verdict.Retrain.ShouldBeFalse();
        verdict.Reason.ShouldContain("fewer than the 200");
    }

    [Fact]
    public void Decide_NothingBreached_DoesNotRetrain()
    {
        DriftDecision.Decide(Report(500, 80, new DriftStatistic("psi:confidence", 0.1, 0.25, false), new DriftStatistic("online-accuracy", 0.93, 0.85, false)), Terms, Idle)
            .Retrain.ShouldBeFalse();
    }

    [Fact]
    public void Decide_AccuracyBreachedWithTooLittleFeedback_DoesNotRetrain()
    {
        DriftDecision.Decide(Report(500, 49, new DriftStatistic(DriftDecision.OnlineAccuracy, 0.5, 0.85, true)), Terms, Idle).Retrain.ShouldBeFalse();
    }

    [Fact]
    public void Decide_AccuracyBreachedWithEnoughFeedback_Retrains()
    {
        DriftDecision.Decide(Report(500, 50, new DriftStatistic(DriftDecision.OnlineAccuracy, 0.5, 0.85, true)), Terms, Idle).Retrain.ShouldBeTrue();
    }

    [Fact]
    public void Decide_RetrainInFlight_DoesNotRequestASecond()
    {
        var verdict = DriftDecision.Decide(Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true)), Terms, Idle with { RetrainInFlight = "run-1" });

        verdict.Retrain.ShouldBeFalse();
        verdict.Reason.ShouldContain("run-1 is still in flight");
        verdict.Breached.ShouldBe(["psi:confidence"]);
    }

    [Fact]
    public void Decide_WithinCoolDown_DoesNotRetrain_AfterItRetrains()
    {
        var report = Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true));

        DriftDecision.Decide(report, Terms, Idle with { LastRetrainAt = Now.AddHours(-5) }).Retrain.ShouldBeFalse();
        DriftDecision.Decide(report, Terms, Idle with { LastRetrainAt = Now.AddHours(-6) }).Retrain.ShouldBeTrue();
    }

    [Fact]
    public void Decide_ServingStopped_DoesNotRetrain()
    {
        DriftDecision.Decide(Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true)) with { ServingStopped = true }, Terms, Idle).Retrain.ShouldBeFalse();
    }

    [Fact]
    public void Decide_EnoughSamplesNothingBreached_EveryCheckPassed()
    {
        var verdict = DriftDecision.Decide(Report(500, 80, new DriftStatistic("psi:confidence", 0.1, 0.25, false), new DriftStatistic(DriftDecision.OnlineAccuracy, 0.93, 0.85, false)), Terms, Idle);

        verdict.Checks!.Select(c => (c.Check, c.Outcome)).ShouldBe([
            (DriftDecision.MinSamplesCheck, CheckOutcome.Passed), (DriftDecision.OnlineAccuracy, CheckOutcome.Passed), ("psi:confidence", CheckOutcome.Passed)]);
        (verdict.Judged, verdict.FeedbackJudged).ShouldBe((true, true));
    }

    [Fact]
    public void Decide_BreachedStatistic_ThatCheckFailed()
    {
        var verdict = DriftDecision.Decide(Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true)), Terms, Idle);

        verdict.Checks!.Single(c => c.Check == "psi:confidence").Outcome.ShouldBe(CheckOutcome.Failed);
    }

    [Fact]
    public void Decide_TooFewSamplesNoWaiver_NotMeasuredAndNotJudged()
    {
        var since = Now.AddHours(-4);
        var verdict = DriftDecision.Decide(Report(37, 0, new DriftStatistic("psi:confidence", 0.9, 0.25, true)), Terms, Idle with { UnjudgedSince = since });

        verdict.Reason.ShouldBe("not judged since 2026-11-23T08:00:00.0000000+00:00: 37 predictions of 200 needed");
        verdict.Checks!.ShouldAllBe(c => c.Outcome == CheckOutcome.NotMeasured && c.Waiver == null);
        verdict.Judged.ShouldBeFalse();
    }

    [Fact]
    public void Decide_TooFewSamplesWaived_WaivedWithItsReasonAndStillNotJudged()
    {
        PolicyWaiver[] waivers = [new("drift.min-samples", "a clinic model: about 40 predictions a day is all it gets")];

        var verdict = DriftDecision.Decide(Report(37, 0, new DriftStatistic("psi:confidence", 0.9, 0.25, true)), Terms, Idle with { UnjudgedSince = Now.AddHours(-4) }, waivers);

        var minSamples = verdict.Checks!.Single(c => c.Check == DriftDecision.MinSamplesCheck);
        (minSamples.Outcome, minSamples.Waiver).ShouldBe((CheckOutcome.Waived, "a clinic model: about 40 predictions a day is all it gets"));
        verdict.Reason.ShouldBe("not judged since 2026-11-23T08:00:00.0000000+00:00: 37 predictions of 200 needed; waived by the policy: a clinic model: about 40 predictions a day is all it gets");
        // The waiver accepts the silence; it does not judge 37 predictions: no retrain, the window stays open, the statistic is not measured.
        (verdict.Retrain, verdict.Judged).ShouldBe((false, false));
        verdict.Checks!.Single(c => c.Check == "psi:confidence").Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Decide_TooLittleFeedbackWaived_OnlineAccuracyWaived()
    {
        PolicyWaiver[] waivers = [new("drift.online-accuracy", "labels arrive monthly")];

        var verdict = DriftDecision.Decide(Report(500, 12, new DriftStatistic(DriftDecision.OnlineAccuracy, 0.5, 0.85, true)), Terms, Idle, waivers);

        var accuracy = verdict.Checks!.Single(c => c.Check == DriftDecision.OnlineAccuracy);
        (accuracy.Outcome, accuracy.Waiver).ShouldBe((CheckOutcome.Waived, "labels arrive monthly"));
        (verdict.Retrain, verdict.FeedbackJudged).ShouldBe((false, false));
        verdict.Checks!.Single(c => c.Check == DriftDecision.MinSamplesCheck).Outcome.ShouldBe(CheckOutcome.Passed);
    }

    [Fact]
    public void Decide_WholeDriftSectionWaived_WaivesEveryNotMeasuredCheck()
    {
        PolicyWaiver[] waivers = [new("drift", "a demonstration model")];

        var verdict = DriftDecision.Decide(Report(37, 0, new DriftStatistic("psi:confidence", 0.9, 0.25, true)), Terms, Idle, waivers);

        verdict.Checks!.ShouldAllBe(c => c.Outcome == CheckOutcome.Waived && c.Waiver == "a demonstration model");
    }

    [Fact]
    public void Decide_WaivedButMeasured_PassesAndFailsAsMeasured()
    {
        PolicyWaiver[] waivers = [new("drift", "a demonstration model")];

        var verdict = DriftDecision.Decide(Report(500, 0, new DriftStatistic("psi:confidence", 0.4, 0.25, true), new DriftStatistic("error-rate", 0.01, 0.05, false)), Terms, Idle, waivers);

        // A waiver never hides a failure: the breach is failed and asks for the retrain.
        verdict.Checks!.Select(c => (c.Check, c.Outcome, c.Waiver)).ShouldBe([
            (DriftDecision.MinSamplesCheck, CheckOutcome.Passed, null), ("error-rate", CheckOutcome.Passed, null), ("psi:confidence", CheckOutcome.Failed, null)]);
        verdict.Retrain.ShouldBeTrue();
    }

    [Fact]
    public void Decide_WaiverOfAnotherSection_DoesNotApply()
    {
        PolicyWaiver[] waivers = [new("canary.min-traffic", "no traffic in tests"), new("evaluation", "not this gate")];

        DriftDecision.Decide(Report(37, 0), Terms, Idle, waivers).Checks!.Single().Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }
}
