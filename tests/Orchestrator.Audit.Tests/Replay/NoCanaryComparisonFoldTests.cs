using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Tests.Replay;

/// <summary>The run fold marks the approval an approver's NoCanaryComparisonAccepted goes with (ADR 0044), without a database.</summary>
public sealed class NoCanaryComparisonFoldTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

    private static RunSummary Fold(params (object Event, Actor Actor)[] events)
    {
        var state = new RunSummary { Id = "run-r1" };
        for (var i = 0; i < events.Length; i++)
        {
            state = RunFold.Apply(state, events[i].Event, new EntryMeta("run-r1", i + 1, At.AddMinutes(i), events[i].Actor, $"hash-{i + 1}"));
        }

        return state;
    }

    [Fact]
    public void Apply_AcceptanceAfterItsApproval_MarksThatApprovalOnly()
    {
        var (bob, carol) = (Actor.User("bob", "approver"), Actor.User("carol", "approver"));
        var state = Fold(
            (new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "ok", "sha256:e"), bob),
            (new NoCanaryComparisonAccepted("bob", ["approver"], "shapes", new LedgerReference("run-r1", 1, "hash-1"), "sha256:e"), bob),
            (new ApprovalSigned("carol", ["approver"], ApprovalDecision.Approve, "ok", "sha256:e"), carol));

        state.Approvals.Select(a => (a.Approver, a.NoCanaryComparisonAccepted)).ShouldBe([("bob", new LedgerReference("run-r1", 2, "hash-2")), ("carol", (LedgerReference?)null)]);
    }

    [Fact]
    public void Apply_AcceptanceNamingAnotherApproversEntry_MarksNothing()
    {
        var (bob, carol) = (Actor.User("bob", "approver"), Actor.User("carol", "approver"));
        var state = Fold(
            (new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "ok", "sha256:e"), bob),
            (new NoCanaryComparisonAccepted("carol", ["approver"], "shapes", new LedgerReference("run-r1", 1, "hash-1"), "sha256:e"), carol));

        state.Approvals.ShouldHaveSingleItem().NoCanaryComparisonAccepted.ShouldBeNull();
    }
}
