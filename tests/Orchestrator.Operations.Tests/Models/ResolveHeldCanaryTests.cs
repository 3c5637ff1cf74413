using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Deploy;

namespace Orchestrator.Operations.Tests.Models;

/// <summary>A held canary decided by a person or by the deadline (ADR 0040), decided on the model's stream.</summary>
public sealed class ResolveHeldCanaryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly CanaryKeys Keys = new("run-2", 2);
    private static readonly LedgerReference Signature = new("run-run-2", 31, "hash-31");

    /// <summary>v1 in production, v2 deployed as canary and held with 3 canary and 5 production requests.</summary>
    private static ModelStreamBuilder Held() => new ModelStreamBuilder().Approved(1).Production(1).Approved(2)
        .Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1), Keys.Canary)
        .Add(new CanaryHeld(2, "too little traffic", 3, 5, 20), Keys.Held);

    private static ResolveHeldCanary Command(CanaryDecisionKind decision, string? by = "dave") =>
        new("run-2", 2, decision, by is null ? "no decision by the deadline" : "errors are zero", by, by is null ? null : Signature, 3, 5);

    [Fact]
    public void ResolveHeldCanary_ApproverPromotes_ResolvedThenPromotedWithThePersonAndCountsInTheOutcome()
    {
        var decision = ModelDecider.Decide(Held().State(), Command(CanaryDecisionKind.Promote), Now);

        decision.Refusal.ShouldBeNull();
        decision.Outcome.Promoted.ShouldBeTrue();
        decision.Outcome.Superseded.ShouldBe(1);
        (decision.Outcome.CanaryRequests, decision.Outcome.ProductionRequests).ShouldBe((3, 5));
        decision.Outcome.Reason.ShouldBe("held canary promoted by dave: errors are zero (canary 3 requests, production 5)");
        decision.Facts.Select(f => f.Key).ShouldBe([Keys.HoldResolved, Keys.Promoted]);
        decision.Facts[0].Event.ShouldBe(new CanaryHoldResolved(2, "promote", "dave", "errors are zero", 3, 5, Signature));
        decision.Facts[1].Event.ShouldBe(new ModelPromoted(2, ModelState.ProductionAlias));
    }

    [Fact]
    public void ResolveHeldCanary_DeadlinePassed_RolledBackToProductionByTheService()
    {
        var decision = ModelDecider.Decide(Held().State(), Command(CanaryDecisionKind.Rollback, by: null), Now);

        decision.Outcome.Promoted.ShouldBeFalse();
        decision.Outcome.Reason.ShouldStartWith("held canary rolled back by the deadline: no decision by the deadline");
        decision.Facts[0].Event.ShouldBeOfType<CanaryHoldResolved>().DecidedBy.ShouldBeNull();
        decision.Facts[1].Key.ShouldBe(Keys.RolledBack);
        var rolledBack = decision.Facts[1].Event.ShouldBeOfType<ModelRolledBack>();
        (rolledBack.FromVersion, rolledBack.ToVersion).ShouldBe((2, 1));
    }

    [Fact]
    public void ResolveHeldCanary_AlreadyPromoted_ReportsItAndRecordsNothing()
    {
        var state = Held().Add(new ModelPromoted(2, ModelState.ProductionAlias), Keys.Promoted).State();

        var decision = ModelDecider.Decide(state, Command(CanaryDecisionKind.Rollback), Now);

        decision.Outcome.Promoted.ShouldBeTrue();
        decision.Facts.ShouldBeEmpty();
    }

    [Fact]
    public void ResolveHeldCanary_RolledBackByHandMeanwhile_NotPromotedAndNothingRecorded()
    {
        var state = Held().Add(new ModelRolledBack(2, 1, ModelState.ProductionAlias, "by hand"), "manual").State();

        var decision = ModelDecider.Decide(state, Command(CanaryDecisionKind.Promote), Now);

        decision.Outcome.Promoted.ShouldBeFalse();
        decision.Outcome.Reason.ShouldContain("rolled back by hand");
        decision.Facts.ShouldBeEmpty();
    }

    [Fact]
    public void ResolveHeldCanary_NothingHeld_Refused()
    {
        var state = new ModelStreamBuilder().Approved(1).Production(1).Approved(2).Add(new ModelDeployed(2, ModelState.ProductionAlias, 0.1), Keys.Canary).State();

        var decision = ModelDecider.Decide(state, Command(CanaryDecisionKind.Promote), Now);

        decision.Refusal.ShouldNotBeNull().Message.ShouldContain("holds no canary");
        decision.Facts.ShouldBeEmpty();
    }

    [Fact]
    public void CheckDeployment_HeldThenPromoted_ReportsThePromotionNotTheHold()
    {
        var state = Held().Add(new ModelPromoted(2, ModelState.ProductionAlias), Keys.Promoted).State();

        var check = ModelDecider.Decide(state, new CheckDeployment("run-2", 2, ModelStreamBuilder.Onnx('a')), Now);

        check.Outcome.ShouldNotBeNull().Promoted.ShouldBeTrue();
        check.Outcome.Held.ShouldBeFalse();
    }
}
