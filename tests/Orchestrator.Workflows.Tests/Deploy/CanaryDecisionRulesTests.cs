using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;

namespace Orchestrator.Workflows.Tests.Deploy;

public sealed class CanaryDecisionRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly ApprovalPolicy Policy = new(2, ["approver"], ["risk"], TimeSpan.FromDays(1));
    private static readonly ApprovalRequest Request = new("alice", ["alice"], "sha256:hold", Now.AddHours(1), [new RunContributor("dora", Contributions.DatasetRegistrant)]);

    private static SignedCanaryDecision Signed(string approver, CanaryDecisionKind decision = CanaryDecisionKind.Promote, string evidence = "sha256:hold", string reason = "errors are zero",
        string role = "approver", DateTimeOffset? at = null) =>
        new(new LedgerEntryRef("run-1", 30, "h"), approver, [role], decision, reason, evidence, at ?? Now);

    [Theory]
    [InlineData(CanaryDecisionKind.Promote)]
    [InlineData(CanaryDecisionKind.Rollback)]
    public void Check_EligibleApproverOneSignature_DecidesEvenWhereTheApprovalQuorumIsTwoWithARequiredRole(CanaryDecisionKind decision)
    {
        var check = CanaryDecisionRules.Check(Signed("bob", decision), Request, Policy, Now);

        check.Accepted.ShouldBeTrue();
        check.Explanation.ShouldBe($"bob decided to {CanaryDecisionRules.Name(decision)} the canary: errors are zero");
    }

    [Theory]
    [InlineData("ALICE", "approver", ApprovalRefusal.SeparationOfDuties)]
    [InlineData("Dora", "approver", ApprovalRefusal.SeparationOfDuties)]
    [InlineData("erin", "viewer", ApprovalRefusal.NotEligible)]
    public void Check_RequesterContributorOrIneligibleRole_Refused(string approver, string role, ApprovalRefusal refusal)
    {
        CanaryDecisionRules.Check(Signed(approver, role: role), Request, Policy, Now).Refusal.ShouldBe(refusal);
    }

    [Fact]
    public void Check_OtherEvidence_RefusedAsStale()
    {
        CanaryDecisionRules.Check(Signed("bob", evidence: "sha256:other"), Request, Policy, Now).Refusal.ShouldBe(ApprovalRefusal.StaleEvidence);
    }

    [Fact]
    public void Check_AfterTheDeadline_Refused()
    {
        CanaryDecisionRules.Check(Signed("bob", at: Now.AddHours(2)), Request, Policy, Now.AddHours(2)).Refusal.ShouldBe(ApprovalRefusal.DeadlinePassed);
    }

    [Fact]
    public void Check_NoReason_Refused()
    {
        var check = CanaryDecisionRules.Check(Signed("bob", reason: " "), Request, Policy, Now);

        check.Accepted.ShouldBeFalse();
        check.Explanation.ShouldContain("no reason");
    }

    [Theory]
    [InlineData("promote", CanaryDecisionKind.Promote)]
    [InlineData("rollback", CanaryDecisionKind.Rollback)]
    public void Parse_Name_RoundTrips(string text, CanaryDecisionKind decision)
    {
        CanaryDecisionRules.Parse(text).ShouldBe(decision);
        CanaryDecisionRules.Name(decision).ShouldBe(text);
    }

    [Theory]
    [InlineData("Promote")]
    [InlineData("approve")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_Anything_Else_Null(string? text) => CanaryDecisionRules.Parse(text).ShouldBeNull();
}
