using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Tests.Deploy;

/// <summary>Deploying a first version without a canary comparison, on every approver's explicit acceptance (ADR 0044).</summary>
public sealed class NoCanaryComparisonTests
{
    private static readonly CanaryPolicy Policy = new(TrafficShare: 0.1, Window: TimeSpan.FromMinutes(10), MinRequests: 20);
    private static readonly DateTimeOffset At = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

    /// <summary>A first deployment (no production version) that saw <paramref name="requests"/> canary requests.</summary>
    private static CanaryObservation First(int requests = 0, int errors = 0) => new(requests, errors, 9, 0, 0, null, HasProduction: false);

    private static CanaryObservation Compared(int requests = 3) => new(requests, 0, 9, 2, 8, null, HasProduction: true);

    private static SignedApproval Approval(string approver, long version, bool accepted, ApprovalDecision decision = ApprovalDecision.Approve) =>
        new(new LedgerEntryRef("run-r1", version, $"hash-{version}"), approver, ["approver"], decision, "reviewed", "sha256:evidence", At,
            accepted ? new LedgerEntryRef("run-r1", version + 1, $"hash-{version + 1}") : null);

    private static NoCanaryComparisonAcceptance Accepted(params string[] approvers) =>
        new(approvers, [.. approvers.Select((_, i) => new LedgerEntryRef("run-r1", 20 + i, $"hash-{20 + i}"))]);

    [Fact]
    public void CheckRequest_ApprovalOfAFirstDeployment_Allowed() =>
        NoCanaryComparison.CheckRequest(ApprovalDecision.Approve, "shapes", productionVersion: null).ShouldBeNull();

    [Fact]
    public void CheckRequest_ModelHasAProductionVersion_RefusedNamingIt() =>
        NoCanaryComparison.CheckRequest(ApprovalDecision.Approve, "shapes", productionVersion: 2)
            .ShouldBe("shapes has production version 2: the canary is compared against it, so acceptNoCanaryComparison applies only to a first deployment");

    [Fact]
    public void CheckRequest_Rejection_Refused() =>
        NoCanaryComparison.CheckRequest(ApprovalDecision.Reject, "shapes", productionVersion: null).ShouldBe("acceptNoCanaryComparison goes with an approval; a rejection deploys nothing");

    [Fact]
    public void AcceptedBy_EveryApproverAccepted_NamesThemWithTheirAcceptanceEntries()
    {
        var acceptance = NoCanaryComparison.AcceptedBy([Approval("carol", 12, true), Approval("bob", 10, true)]).ShouldNotBeNull();

        acceptance.AcceptedBy.ShouldBe(["bob", "carol"]);
        acceptance.Entries.ShouldBe([new LedgerEntryRef("run-r1", 13, "hash-13"), new LedgerEntryRef("run-r1", 11, "hash-11")]);
    }

    [Fact]
    public void AcceptedBy_OneApproverOfTheQuorumDidNotAccept_None() =>
        NoCanaryComparison.AcceptedBy([Approval("bob", 10, true), Approval("carol", 12, false)]).ShouldBeNull();

    [Fact]
    public void AcceptedBy_NoApprovals_None() => NoCanaryComparison.AcceptedBy([]).ShouldBeNull();

    [Fact]
    public void AcceptedBy_OnlyARejection_None() =>
        NoCanaryComparison.AcceptedBy([Approval("bob", 10, false, ApprovalDecision.Reject)]).ShouldBeNull();

    [Fact]
    public void Judge_FirstDeploymentWithNoTrafficAcceptedByAll_PromotesNamingApproversAndCounts()
    {
        var observed = First(requests: 0);
        var verdict = CanaryHealth.Decide(observed, Policy);

        var judgement = NoCanaryComparison.Judge(verdict, observed, productionBefore: null, Policy.MinRequests, Accepted("bob", "carol"));

        verdict.InsufficientEvidence.ShouldBeTrue();
        judgement.Outcome.ShouldBe(NoCanaryComparisonOutcome.Promote);
        judgement.Reason.ShouldNotBeNull().ShouldStartWith(
            "deployed without a canary comparison, accepted by bob, carol: canary 0 requests (0 errors) of the 20 a comparison needs, no production version (canary 0 requests");
    }

    [Fact]
    public void Judge_FirstDeploymentShortOfTrafficWithoutAcceptance_NotAccepted()
    {
        var observed = First(requests: 3);

        var judgement = NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, null, Policy.MinRequests, acceptance: null);

        judgement.ShouldBe(new NoCanaryComparisonJudgement(NoCanaryComparisonOutcome.NotAccepted, null));
    }

    [Fact]
    public void Judge_ProductionVersionServesBeside_NotFirstDeployment()
    {
        var observed = Compared(requests: 3);

        var judgement = NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, productionBefore: 2, Policy.MinRequests, Accepted("bob"));

        judgement.Outcome.ShouldBe(NoCanaryComparisonOutcome.NotFirstDeployment);
        judgement.Reason.ShouldBeNull();
    }

    [Fact]
    public void Judge_ProductionKnownOnlyFromTheObservation_NotFirstDeployment()
    {
        var observed = Compared(requests: 3);

        NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, productionBefore: null, Policy.MinRequests, Accepted("bob"))
            .Outcome.ShouldBe(NoCanaryComparisonOutcome.NotFirstDeployment);
    }

    [Fact]
    public void Judge_FirstDeploymentFailingOnErrors_UnhealthyEvenWhenAccepted()
    {
        // Errors are judged on any traffic: 5 of 6 failing rolls back, whatever the approvers accepted.
        var observed = First(requests: 6, errors: 5);

        var judgement = NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, null, Policy.MinRequests, Accepted("bob"));

        judgement.Outcome.ShouldBe(NoCanaryComparisonOutcome.Unhealthy);
        judgement.Reason.ShouldBeNull();
    }

    [Fact]
    public void Judge_FirstDeploymentWithEnoughTraffic_NotNeeded()
    {
        var observed = First(requests: 25);

        NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, null, Policy.MinRequests, Accepted("bob"))
            .Outcome.ShouldBe(NoCanaryComparisonOutcome.NotNeeded);
    }

    [Fact]
    public void Judge_NoObservationRecorded_FirstByProductionAloneAndSaysSo()
    {
        var verdict = CanaryHealth.Decide(First(requests: 0), Policy);

        var judgement = NoCanaryComparison.Judge(verdict, observed: null, productionBefore: null, Policy.MinRequests, Accepted("bob"));

        judgement.Outcome.ShouldBe(NoCanaryComparisonOutcome.Promote);
        judgement.Reason.ShouldNotBeNull().ShouldContain("fewer than the 20 canary requests a comparison needs");
    }

    [Fact]
    public void Judge_AcceptanceNamingNobody_NotAccepted()
    {
        var observed = First();

        NoCanaryComparison.Judge(CanaryHealth.Decide(observed, Policy), observed, null, Policy.MinRequests, new NoCanaryComparisonAcceptance([], []))
            .Outcome.ShouldBe(NoCanaryComparisonOutcome.NotAccepted);
    }
}
