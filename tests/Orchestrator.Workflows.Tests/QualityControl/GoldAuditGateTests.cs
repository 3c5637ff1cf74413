using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Workflows.Tests.QualityControl;

/// <summary>A policy that requires a human gold audit never passes on a simulated one, nor on none.</summary>
public sealed class GoldAuditGateTests
{
    private static readonly QcPolicy Human = new(MinGoldAuditLowerBound: 0.8, MinGoldAuditReviewed: 30, GoldAudit: GoldAuditMode.Human, GoldAuditDeadline: TimeSpan.FromDays(1));
    private static readonly QcPolicy SimulatedAllowed = Human with { GoldAudit = null, GoldAuditDeadline = null };

    private static QcEvidence Evidence(GoldAuditEvidence? audit) => new(
        1000, 0, 0.9, 0.9, new Dictionary<string, double>(), 0.01, audit, new Dictionary<string, int> { ["a"] = 500, ["b"] = 500 }, 1, 0, 0, 0,
        new Dictionary<string, int>());

    private static GoldAuditEvidence SimulatedPerfect => new(50, 1, 0.93, 1);

    private static GoldAuditEvidence HumanPerfect => new(50, 1, 0.93, 1, GoldAuditKinds.Human, "rita", "run-1@9");

    [Fact]
    public void Evaluate_HumanRequiredAuditSimulated_NotMeasuredAndFails()
    {
        var verdict = QualityGate.Evaluate(Evidence(SimulatedPerfect), Human);

        verdict.Passed.ShouldBeFalse();
        var reviewer = verdict.Findings.Single(f => f.Check == "gold-audit-reviewer");
        reviewer.Outcome.ShouldBe(CheckOutcome.NotMeasured);
        reviewer.Detail.ShouldContain("simulated");
        // The simulated figures are not used: the threshold check is not measured either, whatever the pass rate.
        verdict.Findings.Single(f => f.Check == "gold-audit").Outcome.ShouldBe(CheckOutcome.NotMeasured);
    }

    [Fact]
    public void Evaluate_HumanRequiredNoneSubmitted_NotMeasuredAndFails()
    {
        var verdict = QualityGate.Evaluate(Evidence(null), Human);

        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "gold-audit-reviewer").Detail.ShouldContain("no reviewer submitted one");
    }

    [Fact]
    public void Evaluate_HumanRequiredHumanAudit_PassesAndNamesTheReviewer()
    {
        var verdict = QualityGate.Evaluate(Evidence(HumanPerfect), Human);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.Single(f => f.Check == "gold-audit-reviewer").Detail.ShouldContain("rita");
        verdict.Findings.Single(f => f.Check == "gold-audit").Detail.ShouldContain("human audit by rita");
    }

    [Fact]
    public void Evaluate_SimulatedAllowed_PassesButSaysSimulated()
    {
        var verdict = QualityGate.Evaluate(Evidence(SimulatedPerfect), SimulatedAllowed);

        verdict.Passed.ShouldBeTrue();
        verdict.Findings.ShouldNotContain(f => f.Check == "gold-audit-reviewer");
        verdict.Findings.Single(f => f.Check == "gold-audit").Detail.ShouldStartWith("simulated audit");
    }

    [Fact]
    public void Evaluate_HumanRequiredNoneSubmittedButWaived_Waived()
    {
        var waivers = new[] { new PolicyWaiver("quality.gold-audit-reviewer", "pilot data"), new PolicyWaiver("quality.gold-audit", "pilot data") };

        QualityGate.Evaluate(Evidence(null), Human, waivers).Passed.ShouldBeTrue();
    }
}
