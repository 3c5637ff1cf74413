using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Tests.Replay;

/// <summary>The run fold over the approval and cancellation facts of issue 17 (items 8 and 9), without a database.</summary>
public sealed class RunFoldTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);
    private const string Stream = "run-r1";

    private static RunSummary Fold(params (object Event, Actor? Actor)[] events)
    {
        var state = new RunSummary { Id = Stream };
        for (var i = 0; i < events.Length; i++)
        {
            state = RunFold.Apply(state, events[i].Event, new EntryMeta(Stream, i + 1, At.AddMinutes(i), events[i].Actor, $"hash-{i + 1}"));
        }

        return state;
    }

    private static readonly Actor Alice = Actor.User("alice", "ml-engineer");
    private static readonly Actor Worker = Actor.Service("orchestrator-worker", "w@host");

    private static (object, Actor?)[] AwaitingApproval() =>
    [
        (new RunRequested("r1", "image-classification", "shapes", "registered:faces", "default/v1"), Alice),
        (new RunContributorsRecorded([new("alice", "requester", null), new("dora", "dataset-registrant", "registered:faces")]), Alice),
        (new RunStarted("model-lifecycle-r1", "q"), Worker),
        (new ApprovalRequested("shapes", 1, "sha256:e", ["approver"], 2, At.AddDays(3)), Worker),
    ];

    [Fact]
    public void Apply_ApprovalRefused_RunStaysAwaitingApprovalAndTheSignatureIsMarkedRefused()
    {
        var bob = Actor.User("bob", "approver");
        var state = Fold([.. AwaitingApproval(),
            (new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "ok", "sha256:e"), bob),
            (new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "ok again", "sha256:e"), bob),
            (new ApprovalRefused("bob", "duplicate", "bob has already approved", new LedgerReference(Stream, 6, "hash-6")), Worker)]);

        state.Stage.ShouldBe("awaiting-approval");
        state.Status.ShouldBe(RunStatus.Running);
        state.RefusedSignatures.ShouldBe([new LedgerReference(Stream, 6, "hash-6")]);
        state.ApprovalDeadline.ShouldBe(At.AddDays(3));
        state.Contributors.Select(c => c.Identity).ShouldBe(["alice", "dora"]);
    }

    [Fact]
    public void Apply_ApprovalRejected_StillEndsTheRequest() =>
        Fold([.. AwaitingApproval(), (new ApprovalRejected("rejected by bob: no", null), Worker)]).Stage.ShouldBe("approval-rejected");

    [Fact]
    public void Apply_CancellationRequestedThenCancelled_ShowsWhoWhyAndTheOutcome()
    {
        var state = Fold([.. AwaitingApproval().Take(3),
            (new RunCancellationRequested("alice", "wrong dataset"), Alice),
            (new RunCancelled("cancelled: Workflow cancelled"), Worker)]);

        state.Status.ShouldBe(RunStatus.Cancelled);
        state.Cancellation.ShouldBe(new CancellationRecord("alice", "wrong dataset", At.AddMinutes(3)));
        state.FailureReason.ShouldBe("cancelled: Workflow cancelled");
    }

    [Fact]
    public void Apply_RunStartedRecordedAfterRunCancelled_RunStaysCancelled()
    {
        // Seen in the 50-run cancellation test: the cancellation reached the workflow while RecordRunStarted ran.
        var state = Fold([.. AwaitingApproval().Take(2),
            (new RunCancellationRequested("alice", "oops"), Alice),
            (new RunCancelled("cancelled while starting: Activity cancelled"), Worker),
            (new RunStarted("model-lifecycle-r1", "q"), Worker)]);

        state.Status.ShouldBe(RunStatus.Cancelled);
        state.Stage.ShouldBe("cancelled");
    }

    [Fact]
    public void Apply_CancellationRequestedOnly_LeavesTheStatusToTheWorkflow()
    {
        var state = Fold([.. AwaitingApproval().Take(3), (new RunCancellationRequested("admin", null), Actor.User("admin", "admin"))]);

        state.Status.ShouldBe(RunStatus.Running);
        state.Cancellation!.RequestedBy.ShouldBe("admin");
    }
}
