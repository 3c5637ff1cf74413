using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Verification;
using Orchestrator.EndToEnd.Tests.Support;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.EndToEnd.Tests.Lifecycle;

/// <summary>
/// The acceptance on one process with role all: a run walks every stage on the real activities,
/// two distinct approvers sign through the ledger, the canary is promoted, and the ledger holds the facts
/// in order and verifies; the gates stop runs that must not go on.
/// </summary>
public sealed class LifecycleEndToEndTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    [Fact]
    public async Task Run_TwoDistinctApprovers_DeploysAndLedgerVerifies()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = E2eRuns.Input(deployment, E2ePolicies.Lenient);

        var handle = await E2eRuns.StartAsync(deployment, input);
        var result = await E2eRuns.ApproveByTwoAndFinishAsync(deployment, handle, input.RunId);

        result.Outcome.ShouldBe(RunOutcome.Completed, result.Reason);
        result.Model.ShouldNotBeNull();
        var runFacts = await E2eRuns.FactsAsync(deployment, AuditStreams.Run(input.RunId));
        runFacts.First().ShouldBe("RunStarted");
        runFacts.Last().ShouldBe("RunCompleted");
        runFacts.ShouldContainInOrder("RunStarted", "DatasetAcquired", "AnnotationsImported", "QualityEvaluated", "TrainingStarted",
            "TrainingEpochCompleted", "TrainingCompleted", "ApprovalRequested", "ApprovalSigned", "ApprovalSigned", "ApprovalAccepted", "RunCompleted");
        var modelFacts = await E2eRuns.FactsAsync(deployment, AuditStreams.Model(input.ModelName));
        modelFacts.ShouldContainInOrder("ModelExported", "ModelVersionApproved", "ModelDeployed", "ModelPromoted");

        var verifier = deployment.Services.GetRequiredService<LedgerVerifier>();
        foreach (var stream in new[] { AuditStreams.Run(input.RunId), AuditStreams.Model(input.ModelName) })
        {
            var report = await verifier.VerifyStreamAsync(stream, deployment.PublicKeyPem, TestContext.Current.CancellationToken);
            report.IsValid.ShouldBeTrue($"{stream}: {report.FirstFailure}");
            report.EventsChecked.ShouldBeGreaterThan(3);
        }
    }

    [Fact]
    public async Task Run_UnreliableAnnotators_FailsAtQualityGateWithoutTraining()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = E2eRuns.Input(deployment, E2ePolicies.Lenient, accuracy: "0.4");

        var result = await (await E2eRuns.StartAsync(deployment, input)).GetResultAsync();

        result.Outcome.ShouldBe(RunOutcome.Failed);
        result.Stage.ShouldBe(Stages.QualityControl);
        result.Reason.ShouldContain("QC gate failed");
        var facts = await E2eRuns.FactsAsync(deployment, AuditStreams.Run(input.RunId));
        facts.ShouldContainInOrder("RunStarted", "DatasetAcquired", "AnnotationsImported", "QualityEvaluated", "RunFailed");
        facts.ShouldNotContain("TrainingStarted");
    }

    [Fact]
    public async Task Run_EvaluationBelowPolicy_FailsAtEvaluationGateWithoutApprovalOrDeployment()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = E2eRuns.Input(deployment, E2ePolicies.Strict);

        var result = await (await E2eRuns.StartAsync(deployment, input)).GetResultAsync();

        result.Outcome.ShouldBe(RunOutcome.Failed);
        result.Stage.ShouldBe(Stages.Evaluate);
        result.Reason.ShouldContain("evaluation gate failed");
        var facts = await E2eRuns.FactsAsync(deployment, AuditStreams.Run(input.RunId));
        facts.ShouldContainInOrder("RunStarted", "TrainingCompleted", "RunFailed");
        facts.ShouldNotContain("ApprovalRequested");
        (await E2eRuns.FactsAsync(deployment, AuditStreams.Model(input.ModelName))).ShouldNotContain("ModelDeployed");
    }
}
