using Orchestrator.Workflows.Approve;

namespace Orchestrator.Workflows.Tests.Approve;

public sealed class ApprovalRulesTests
{
    private static readonly DateTimeOffset Opened = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly ApprovalPolicy TwoApprovers = new(2, ["approver"], [], TimeSpan.FromDays(3));
    private static readonly ApprovalRequest Request = new("alice", ["alice", "trainer-bot"], "sha256:evidence-1", Opened.AddDays(3));

    private static SignedApproval Signed(string who, long version, ApprovalDecision decision = ApprovalDecision.Approve,
        string evidence = "sha256:evidence-1", string[]? roles = null, DateTimeOffset? at = null) =>
        new(new LedgerEntryRef("run-1", version, $"hash-{version}"), who, roles ?? ["approver"], decision, "looks good", evidence, at ?? Opened.AddHours(1));

    [Fact]
    public void Check_RequesterApprovesOwnRun_RefusedForSeparationOfDuties()
    {
        var check = ApprovalRules.Check(Signed("Alice", 3), Request, TwoApprovers, [], Opened.AddHours(1));

        check.Refusal.ShouldBe(ApprovalRefusal.SeparationOfDuties);
        check.Explanation.ShouldContain("requested this run");
    }

    [Fact]
    public void Check_TrainerApproves_RefusedForSeparationOfDuties() =>
        ApprovalRules.Check(Signed("trainer-bot", 3), Request, TwoApprovers, [], Opened).Refusal.ShouldBe(ApprovalRefusal.SeparationOfDuties);

    [Theory]
    [InlineData("Dora", Contributions.DatasetRegistrant, "dora registered this run's dataset and cannot approve it")]
    [InlineData("eve", Contributions.LabelSubmitter, "EVE submitted this run's labels and cannot approve it")]
    [InlineData("frank", Contributions.RetrainStarter, "Frank started this retrain and cannot approve it")]
    public void Check_RecordedContributorApproves_RefusedNamingTheContribution(string contributor, string contribution, string explanation)
    {
        var signer = explanation.Split(' ')[0];
        var request = Request with { Contributors = [new RunContributor("alice", Contributions.Requester), new RunContributor(contributor, contribution)] };

        var check = ApprovalRules.Check(Signed(signer, 3), request, TwoApprovers, [], Opened);

        check.Refusal.ShouldBe(ApprovalRefusal.SeparationOfDuties);
        check.Explanation.ShouldBe(explanation);
    }

    [Fact]
    public void Check_ContributorsRecordedButSignerIsNotOne_Counts() =>
        ApprovalRules.Check(Signed("bob", 3), Request with { Contributors = [new RunContributor("dora", Contributions.DatasetRegistrant)] }, TwoApprovers, [], Opened)
            .Accepted.ShouldBeTrue();

    [Theory]
    [InlineData(ApprovalRefusal.SeparationOfDuties, "separation-of-duties")]
    [InlineData(ApprovalRefusal.Duplicate, "duplicate")]
    [InlineData(ApprovalRefusal.LedgerMismatch, "ledger-mismatch")]
    public void RuleName_Refusal_KebabCaseAsTheLedgerRecordsIt(ApprovalRefusal refusal, string name) => ApprovalRules.RuleName(refusal).ShouldBe(name);

    [Fact]
    public void Check_StaleEvidence_Refused()
    {
        var check = ApprovalRules.Check(Signed("bob", 3, evidence: "sha256:evidence-0"), Request, TwoApprovers, [], Opened);

        check.Refusal.ShouldBe(ApprovalRefusal.StaleEvidence);
        check.Explanation.ShouldContain("sha256:evidence-0");
    }

    [Fact]
    public void Check_WithoutEligibleRole_Refused() =>
        ApprovalRules.Check(Signed("bob", 3, roles: ["auditor"]), Request, TwoApprovers, [], Opened).Refusal.ShouldBe(ApprovalRefusal.NotEligible);

    [Fact]
    public void Check_AfterDeadline_Refused() =>
        ApprovalRules.Check(Signed("bob", 3), Request, TwoApprovers, [], Opened.AddDays(4)).Refusal.ShouldBe(ApprovalRefusal.DeadlinePassed);

    [Fact]
    public void Check_SameLedgerEntryTwice_RefusedAsDuplicate()
    {
        var first = Signed("bob", 3);

        ApprovalRules.Check(first, Request, TwoApprovers, [first], Opened).Refusal.ShouldBe(ApprovalRefusal.Duplicate);
    }

    [Fact]
    public void Check_SameApproverTwice_RefusedSoQuorumNeedsDistinctPeople() =>
        ApprovalRules.Check(Signed("bob", 4), Request, TwoApprovers, [Signed("bob", 3)], Opened).Refusal.ShouldBe(ApprovalRefusal.Duplicate);

    [Fact]
    public void Check_EligibleDistinctApproverOnCurrentEvidence_Accepted() =>
        ApprovalRules.Check(Signed("carol", 4), Request, TwoApprovers, [Signed("bob", 3)], Opened).Accepted.ShouldBeTrue();

    [Fact]
    public void Tally_OneOfTwo_PendingWithOneStillNeeded()
    {
        var status = ApprovalRules.Tally([Signed("bob", 3)], Request, TwoApprovers, Opened.AddHours(2));

        status.State.ShouldBe(ApprovalState.Pending);
        status.ApprovalsStillNeeded.ShouldBe(1);
        status.Approvers.ShouldBe(["bob"]);
    }

    [Fact]
    public void Tally_TwoDistinctApprovers_Approved() =>
        ApprovalRules.Tally([Signed("bob", 3), Signed("carol", 4)], Request, TwoApprovers, Opened).State.ShouldBe(ApprovalState.Approved);

    [Fact]
    public void Tally_AnyRejection_Rejected() =>
        ApprovalRules.Tally([Signed("bob", 3), Signed("carol", 4, ApprovalDecision.Reject)], Request, TwoApprovers, Opened).State.ShouldBe(ApprovalState.Rejected);

    [Fact]
    public void Tally_QuorumUnmetAfterDeadline_Expired() =>
        ApprovalRules.Tally([Signed("bob", 3)], Request, TwoApprovers, Opened.AddDays(3).AddSeconds(1)).State.ShouldBe(ApprovalState.Expired);

    [Fact]
    public void Tally_RequiredRoleMissing_PendingAndNamesTheRole()
    {
        var policy = TwoApprovers with { EligibleRoles = ["approver", "risk-officer"], RequiredRoles = ["risk-officer"] };

        var status = ApprovalRules.Tally([Signed("bob", 3), Signed("carol", 4)], Request, policy, Opened);

        status.State.ShouldBe(ApprovalState.Pending);
        status.RolesStillNeeded.ShouldBe(["risk-officer"]);
    }
}
