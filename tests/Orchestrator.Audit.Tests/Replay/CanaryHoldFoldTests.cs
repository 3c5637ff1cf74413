using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Tests.Replay;

/// <summary>The run and model folds over a held canary's decision (ADR 0040), without a database.</summary>
public sealed class CanaryHoldFoldTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);
    private static readonly Actor Worker = Actor.Service("orchestrator-worker", "w@host");

    private static RunSummary Fold(params (object Event, Actor? Actor)[] events)
    {
        var state = new RunSummary { Id = "run-r1" };
        for (var i = 0; i < events.Length; i++)
        {
            state = RunFold.Apply(state, events[i].Event, new EntryMeta("run-r1", i + 1, At.AddMinutes(i), events[i].Actor, $"hash-{i + 1}"));
        }

        return state;
    }

    [Fact]
    public void Apply_CanaryDecisionRequestedThenSigned_StageCanaryHeldWithCountsAndTheSignedDecision()
    {
        var dave = Actor.User("dave", "approver");
        var state = Fold(
            (new RunRequested("r1", "image-classification", "shapes", "synthetic", "default/v1"), Actor.User("alice", "ml-engineer")),
            (new RunStarted("model-lifecycle-r1", "q"), Worker),
            (new CanaryDecisionRequested("shapes", 2, "sha256:hold", 3, 0, "too little traffic", At.AddDays(3)), Worker),
            (new CanaryDecisionSigned("dave", ["approver"], "promote", "errors are zero", "sha256:hold"), dave));

        state.Stage.ShouldBe("canary-held");
        var hold = state.CanaryHold.ShouldNotBeNull();
        (hold.ModelVersion, hold.CanaryRequests, hold.ProductionRequests, hold.EvidenceDigest, hold.Deadline).ShouldBe((2, 3, 0, "sha256:hold", At.AddDays(3)));
        var signed = hold.Decisions.ShouldHaveSingleItem();
        (signed.Approver, signed.Decision, signed.Entry).ShouldBe(("dave", "promote", new LedgerReference("run-r1", 4, "hash-4")));
    }

    [Fact]
    public void Apply_CanaryHoldResolved_ClearsTheVersionsHeldMark()
    {
        var registry = new ModelRegistryEntry();
        var events = new object[]
        {
            new ModelExported(2, "r1", "sha256:d", "sha256:o", "blob://m", 0),
            new CanaryHeld(2, "too little traffic", 3, 0, 20),
        };
        for (var i = 0; i < events.Length; i++)
        {
            registry = ModelFold.Apply(registry, events[i], new EntryMeta("model-shapes", i + 1, At.AddMinutes(i), Worker, $"h{i}"));
        }

        var held = registry.Versions.Single().CanaryHeld;
        registry = ModelFold.Apply(registry, new CanaryHoldResolved(2, "promote", "dave", "ok", 3, 0, null), new EntryMeta("model-shapes", 3, At.AddMinutes(3), Worker, "h3"));

        held.ShouldBe("too little traffic");
        registry.Versions.Single().CanaryHeld.ShouldBeNull();
    }
}
