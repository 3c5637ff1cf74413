using Orchestrator.Audit.Events.Models;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Policies;
using static Orchestrator.Operations.Tests.Models.ModelStreamBuilder;

namespace Orchestrator.Operations.Tests.Models;

/// <summary>Every decision on a model version, Given a stream, When a command, Then the facts (with their keys) or the refusal.</summary>
public sealed class ModelDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Claim_NewRun_ExportsTheNextNumberUnderItsKey()
    {
        var state = new ModelStreamBuilder().Approved(1).Approved(2).State();

        var decision = ModelDecider.Decide(state, new ClaimVersion("run-9", Onnx('d'), Onnx('f'), "blob://f", 1e-6), Now);

        decision.Outcome.ShouldBe(3);
        var fact = decision.Facts.ShouldHaveSingleItem();
        fact.Key.ShouldBe("version/3");
        fact.Event.ShouldBe(new ModelExported(3, "run-9", Onnx('d'), Onnx('f'), "blob://f", 1e-6));
    }

    [Fact]
    public void Claim_RunThatAlreadyExportedTheseBytes_KeepsItsVersionAndRecordsNothing()
    {
        var state = new ModelStreamBuilder().Approved(1).Approved(2, onnx: 'b').State();

        var decision = ModelDecider.Decide(state, new ClaimVersion("run-2", Onnx('d'), Onnx('b'), "blob://b", 0), Now);

        decision.Outcome.ShouldBe(2);
        decision.Facts.ShouldBeEmpty();
    }

    [Fact]
    public void Stop_UnknownModel_RefusedAsNotFound()
    {
        var decision = ModelDecider.Decide(new ModelStreamBuilder().State(), new StopServing("bad labels", "k"), Now);

        decision.Refusal!.NotFound.ShouldBeTrue();
        decision.Facts.ShouldBeEmpty();
    }

    [Fact]
    public void Stop_AlreadyStopped_RefusedWithTheFirstReason()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelServingStopped("wrong labels")).State();

        var decision = ModelDecider.Decide(state, new StopServing("again", "k"), Now);

        decision.Refusal!.Message.ShouldContain("already stopped: wrong labels");
        decision.Refusal.NotFound.ShouldBeFalse();
    }

    [Fact]
    public void Resume_Stopped_RecordsTheApproverUnderTheCallersKey()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelServingStopped("wrong labels")).State();

        var decision = ModelDecider.Decide(state, new ResumeServing("fixed", "dana", "resume/1"), Now);

        decision.Facts.ShouldHaveSingleItem().ShouldBe(new ModelFact(new ModelServingResumed("fixed", "dana"), "resume/1"));
    }

    [Fact]
    public void Promote_NeverApprovedVersion_Refused()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelExported(2, "run-2", Onnx('d'), Onnx('b'), "blob://b", 0)).State();

        ModelDecider.Decide(state, new PromoteVersion(2, "manual", "k"), Now).Refusal!.Message.ShouldContain("never approved");
    }

    [Fact]
    public void Promote_DecommissionedVersion_Refused()
    {
        var state = new ModelStreamBuilder().Approved(1).Approved(2).Production(2).Add(new ModelDecommissioned(1, "superseded")).State();

        ModelDecider.Decide(state, new PromoteVersion(1, "manual", "k"), Now).Refusal!.Message.ShouldContain("decommissioned");
    }

    [Fact]
    public void Promote_ApprovedVersion_ChangesTheAliasFromCurrentProduction()
    {
        var state = new ModelStreamBuilder().Approved(1).Approved(2).Production(2).State();

        var decision = ModelDecider.Decide(state, new PromoteVersion(1, "back to v1", "promote/1"), Now);

        decision.Facts.ShouldHaveSingleItem().Event.ShouldBe(new ModelAliasChanged(ModelState.ProductionAlias, 2, 1, "back to v1"));
    }

    [Fact]
    public void Rollback_WithCanary_DropsTheCanaryBackToProduction()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1)).State();

        var decision = ModelDecider.Decide(state, new RollBack("bad canary", "rb"), Now);

        decision.Facts.ShouldHaveSingleItem().Event.ShouldBe(new ModelRolledBack(2, 1, ModelState.ProductionAlias, "bad canary"));
    }

    [Fact]
    public void Rollback_NoCanary_ReturnsToTheLastEarlierLiveProductionVersion()
    {
        // v1, then v2, then v3 served production; v2 was decommissioned since, so v1 is the version to return to.
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Production(2).Approved(3).Production(3)
            .Add(new ModelDecommissioned(2, "superseded")).State();

        var decision = ModelDecider.Decide(state, new RollBack("v3 misbehaves", "rb"), Now);

        decision.Facts.ShouldHaveSingleItem().Event.ShouldBe(new ModelRolledBack(3, 1, ModelState.ProductionAlias, "v3 misbehaves"));
    }

    [Fact]
    public void Rollback_OnlyOneProductionVersionEver_Refused()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).State();

        ModelDecider.Decide(state, new RollBack("nothing earlier", "rb"), Now).Refusal!.Message.ShouldContain("no earlier live production version");
    }

    [Fact]
    public void Decommission_ProductionVersion_Refused()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).State();

        ModelDecider.Decide(state, new DecommissionVersion(1, "retire", new RetentionPolicy(DeleteArtifacts: true)), Now).Refusal!.Message.ShouldContain("serves production");
    }

    [Fact]
    public void Decommission_DeletingRetention_DeletesAndRetiresUnderPerVersionKeys()
    {
        var state = new ModelStreamBuilder().Approved(1, onnx: 'a').Approved(2, onnx: 'b').Production(2).State();

        var decision = ModelDecider.Decide(state, new DecommissionVersion(1, "superseded by v2", new RetentionPolicy(DeleteArtifacts: true)), Now);

        decision.Outcome.ShouldBe(new IDecommissionActivities.Output(1, ArtifactsDeleted: true, Successor: 2, AlreadyDecommissioned: false));
        decision.Facts.Select(f => f.Key).ShouldBe(["decommission/v1/artifacts", "decommission/v1"]);
        decision.Facts[0].Event.ShouldBe(new ModelArtifactsRetained(1, true, false, "P7Y", [Onnx('a')]), new RecordComparer());
        decision.Facts[1].Event.ShouldBe(new ModelDecommissioned(1, "superseded by v2"));
    }

    [Theory]
    [InlineData(true, 'b')]
    [InlineData(false, 'a')]
    public void Decommission_LegalHoldOrSharedBytes_KeepsTheArtifacts(bool legalHold, char otherVersionsOnnx)
    {
        var state = new ModelStreamBuilder().Approved(1, onnx: 'a').Approved(2, onnx: otherVersionsOnnx).Production(2).State();

        var decision = ModelDecider.Decide(state, new DecommissionVersion(1, "retire", new RetentionPolicy(DeleteArtifacts: true, LegalHold: legalHold)), Now);

        decision.Outcome.ArtifactsDeleted.ShouldBeFalse();
        decision.Facts[0].Event.ShouldBeOfType<ModelArtifactsRetained>().Deleted.ShouldBeFalse();
    }

    [Fact]
    public void Decommission_AlreadyDecommissioned_ReportsTheFirstAndRecordsNothing()
    {
        var state = new ModelStreamBuilder().Approved(1).Approved(2).Production(2)
            .Add(new ModelArtifactsRetained(1, true, false, "P7Y", [Onnx('a')])).Add(new ModelDecommissioned(1, "superseded")).State();

        var decision = ModelDecider.Decide(state, new DecommissionVersion(1, "again", new RetentionPolicy()), Now);

        decision.Facts.ShouldBeEmpty();
        decision.Outcome.ShouldBe(new IDecommissionActivities.Output(1, ArtifactsDeleted: true, Successor: 2, AlreadyDecommissioned: true));
    }

    [Fact]
    public void CheckDeployment_VersionNotRegisteredByTheRun_RefusedAsNotFound()
    {
        var state = new ModelStreamBuilder().Approved(1).State();

        ModelDecider.Decide(state, new CheckDeployment("run-other", 1, Onnx('a')), Now).Refusal!.NotFound.ShouldBeTrue();
    }

    [Fact]
    public void CheckDeployment_PromotedEarlier_AnswersThatOutcomeWithTheVersionItSuperseded()
    {
        var keys = new CanaryKeys("run-2", 2);
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2)
            .Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1), keys.Canary).Add(new ModelPromoted(2, ModelState.ProductionAlias), keys.Promoted).State();

        var decision = ModelDecider.Decide(state, new CheckDeployment("run-2", 2, Onnx('a')), Now);

        decision.Outcome!.Promoted.ShouldBeTrue();
        decision.Outcome.Superseded.ShouldBe(1);
    }

    [Fact]
    public void JudgeCanary_HealthyBeforeItsWindowEnds_NotPromoted()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelDeployed(1, ModelState.ProductionAlias, 0.1)).State();

        var decision = ModelDecider.Decide(state, new JudgeCanary("run-1", 1, 3, null, new CanaryVerdict(true, [], "ok"), Now.AddMinutes(1)), Now);

        decision.Refusal!.Message.ShouldContain("only after its window");
    }

    [Fact]
    public void JudgeCanary_Unhealthy_RollsBackToTheProductionItWasMeasuredAgainst()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1)).State();

        var decision = ModelDecider.Decide(state, new JudgeCanary("run-2", 2, 6, 1, new CanaryVerdict(false, ["error rate 9%"], "40 requests"), Now.AddMinutes(5)), Now);

        decision.Outcome.Promoted.ShouldBeFalse();
        var fact = decision.Facts.ShouldHaveSingleItem();
        fact.Key.ShouldBe(new CanaryKeys("run-2", 2).RolledBack);
        fact.Event.ShouldBe(new ModelRolledBack(2, 1, ModelState.ProductionAlias, "error rate 9% (40 requests)"));
    }

    [Fact]
    public void JudgeCanary_ZeroTrafficAtTheEndOfItsWindow_RolledBackNotPromotedWithTheCounts()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1)).State();
        var observed = new CanaryObservation(0, 0, 0, 0, 0, null, null, HasProduction: true);
        var verdict = CanaryHealth.Decide(observed, new CanaryPolicy(0.1, TimeSpan.FromSeconds(2)));

        var decision = ModelDecider.Decide(state, new JudgeCanary("run-2", 2, 6, 1, verdict, Now, Observed: observed, MinRequests: 20), Now);

        decision.Outcome.Promoted.ShouldBeFalse();
        (decision.Outcome.CanaryRequests, decision.Outcome.ProductionRequests).ShouldBe((0, 0));
        decision.Outcome.Reason.ShouldStartWith("insufficient evidence: too little traffic to judge the canary: canary 0 of 20 requests needed, production 0 of 20");
        decision.Facts.ShouldHaveSingleItem().Event.ShouldBeOfType<ModelRolledBack>().ToVersion.ShouldBe(1);
    }

    [Fact]
    public void JudgeCanary_TooLittleTrafficUnderAHoldPolicy_HeldNeitherPromotedNorRolledBack()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelDeployed(1, ModelState.ProductionAlias, 0.5)).State();
        var observed = new CanaryObservation(7, 0, 3, 0, 0, null, null, HasProduction: false);
        var verdict = CanaryHealth.Decide(observed, new CanaryPolicy(0.5, TimeSpan.FromSeconds(2)));

        var decision = ModelDecider.Decide(state,
            new JudgeCanary("run-1", 1, 3, null, verdict, Now, InsufficientEvidenceAction.Hold, observed, 20), Now);

        decision.Outcome.Promoted.ShouldBeFalse();
        decision.Outcome.Held.ShouldBeTrue();
        var fact = decision.Facts.ShouldHaveSingleItem();
        fact.Key.ShouldBe(new CanaryKeys("run-1", 1).Held);
        var held = fact.Event.ShouldBeOfType<CanaryHeld>();
        (held.Version, held.CanaryRequests, held.ProductionRequests, held.MinRequests).ShouldBe((1, 7, 0, 20));
    }

    [Fact]
    public void JudgeCanary_EnoughTrafficOnAFirstDeployment_PromotedWithTheCounts()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelDeployed(1, ModelState.ProductionAlias, 0.5)).State();
        var observed = new CanaryObservation(25, 0, 3, 0, 0, null, null, HasProduction: false);

        var decision = ModelDecider.Decide(state,
            new JudgeCanary("run-1", 1, 3, null, CanaryHealth.Decide(observed, new CanaryPolicy(0.5, TimeSpan.FromSeconds(2))), Now, Observed: observed), Now);

        decision.Outcome.Promoted.ShouldBeTrue();
        decision.Outcome.CanaryRequests.ShouldBe(25);
    }

    [Fact]
    public void JudgeCanary_RolledBackByHandDuringTheWindow_RecordsNothing()
    {
        var state = new ModelStreamBuilder().Approved(1).Add(new ModelDeployed(1, ModelState.ProductionAlias, 0.1))
            .Add(new ModelRolledBack(1, 0, ModelState.ProductionAlias, "by hand")).State();

        var decision = ModelDecider.Decide(state, new JudgeCanary("run-1", 1, 3, null, new CanaryVerdict(true, [], "ok"), Now), Now);

        decision.Facts.ShouldBeEmpty();
        decision.Outcome.Reason.ShouldContain("by hand");
    }

    [Fact]
    public void State_ProductionAfterEachEntry_FollowsTheRegistryFold()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1))
            .Add(new ModelPromoted(2, ModelState.ProductionAlias)).Add(new ModelDecommissioned(1, "superseded")).State();

        Enumerable.Range(1, state.Entries.Count).Select(state.ProductionAfter).ShouldBe([null, null, 1, 1, 1, 1, 2, 2]);
        state.Production.ShouldBe(2);
    }

    /// <summary>Records with list members compare by content.</summary>
    private sealed class RecordComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) => x is ModelArtifactsRetained a && y is ModelArtifactsRetained b
            ? a with { Digests = [] } == b with { Digests = [] } && a.Digests.SequenceEqual(b.Digests)
            : object.Equals(x, y);

        public int GetHashCode(object obj) => 0;
    }
}
