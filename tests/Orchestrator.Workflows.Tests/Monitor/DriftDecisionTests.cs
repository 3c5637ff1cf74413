using Orchestrator.Workflows.Monitor;

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
}
