using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Verification;
using Orchestrator.EndToEnd.Tests.Support;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Serving;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;

namespace Orchestrator.EndToEnd.Tests.Monitor;

/// <summary>
/// The model's life after its first deployment, on the real activities: the lifecycle hands the production
/// version to the model's monitor; shifted images served through the serving path drift beyond the policy;
/// the monitor records the drift and requests a governed retrain; that run passes the gates and two human
/// approvals and is promoted; the superseded version is retired after the policy's grace period.
/// </summary>
public sealed class DriftRetrainEndToEndTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    [Fact]
    public async Task Monitor_DriftedTraffic_RetrainApprovedDeployedAndSupersededVersionDecommissioned()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        // Enough images that the held-out split (the drift reference) supports several bins per statistic.
        var input = E2eRuns.Input(deployment, E2ePolicies.Monitored, count: 800);
        var first = await E2eRuns.StartAsync(deployment, input);
        var v1 = (await ApproveAndCompleteAsync(deployment, first, input.RunId)).Version;
        var monitor = deployment.Client.GetWorkflowHandle<ModelMonitorWorkflow>(ModelMonitorWorkflow.WorkflowId(input.ModelName));
        await E2eMonitor.UntilAsync(monitor, s => s.Production == v1 && s.State.WindowStart is not null);

        // Shifted images (the generator's drift) served by production through the serving path, logged as served.
        var server = deployment.Services.GetRequiredService<ModelServer>();
        var images = new SyntheticShapes(new SyntheticShapesOptions(99, 320, Drift: 1.0)).Generate().Select(i => i.Image).ToArray();
        foreach (var batch in images.Chunk(32))
        {
            var served = await server.PredictAsync(input.ModelName, null, batch, null, TestContext.Current.CancellationToken);
            served.Served.ShouldBeTrue(served.Error ?? served.Decision.Detail);
            served.Decision.Version!.Version.ShouldBe(v1);
        }

        await monitor.SignalAsync(wf => wf.CheckNowAsync());
        // Until the check has decided: a retrain requested, or a decision that is not a retrain still being requested.
        var drifting = await E2eMonitor.UntilAsync(monitor, s => s.State.Retrain is not null
            || (s.State.Checks >= 1 && s.State.LastDecision is { } d && (!d.StartsWith("drift on", StringComparison.Ordinal) || d.Contains("request failed", StringComparison.Ordinal))),
            seconds: 120);
        drifting.State.Retrain.ShouldNotBeNull($"{drifting.State.LastDecision}; measured: "
            + string.Join(", ", drifting.State.LastReport?.Statistics.Select(d => $"{d.Name}={d.Value:0.###}/{d.Threshold:0.###}{(d.Breached ? "!" : "")}") ?? []));
        var retrainRunId = drifting.State.Retrain!.RunId;
        var retrain = deployment.Client.GetWorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>(ModelLifecycleWorkflow.WorkflowId(retrainRunId));
        var v2 = (await ApproveAndCompleteAsync(deployment, retrain, retrainRunId)).Version;
        v2.ShouldBe(v1 + 1);
        await E2eMonitor.UntilModelAsync(deployment, input.ModelName, facts => facts.Contains(nameof(ModelDecommissioned)));

        var model = (await E2eRuns.StreamAsync(deployment, AuditStreams.Model(input.ModelName))).Select(e => e.Data).ToList();
        model.Select(d => d.GetType().Name).ToList().ShouldContainInOrder(
            "ModelExported", "ModelVersionApproved", nameof(ModelDeployed), nameof(ModelPromoted),
            nameof(DriftMeasured), nameof(DriftDetected), nameof(RetrainRequested),
            "ModelExported", "ModelVersionApproved", nameof(ModelDeployed), nameof(ModelPromoted), nameof(ModelDecommissioned));
        model.OfType<DriftDetected>().ShouldAllBe(d => d.Version == v1);
        var requested = model.OfType<RetrainRequested>().ShouldHaveSingleItem();
        (requested.Version, requested.NewRunId).ShouldBe((v1, retrainRunId));
        var retired = model.OfType<ModelDecommissioned>().ShouldHaveSingleItem();
        retired.Version.ShouldBe(v1);
        retired.Reason.ShouldContain($"superseded by v{v2}");
        model.OfType<ModelPromoted>().Select(p => p.Version).ShouldBe([v1, v2]);

        var retrainFacts = await E2eRuns.FactsAsync(deployment, AuditStreams.Run(retrainRunId));
        retrainFacts.ShouldContainInOrder(nameof(RunStarted), nameof(TrainingStarted), nameof(TrainingCompleted), nameof(ApprovalRequested),
            nameof(ApprovalSigned), nameof(ApprovalSigned), nameof(ApprovalAccepted), nameof(RunCompleted));
        retrainFacts.Count(f => f == nameof(RunCompleted)).ShouldBe(1);

        // Serving follows the registry: production answers with v2, the retired v1 is refused and names its successor.
        var now = await server.PredictAsync(input.ModelName, null, images[..1], null, TestContext.Current.CancellationToken);
        now.Decision.Version!.Version.ShouldBe(v2);
        var old = await server.PredictAsync(input.ModelName, v1, images[..1], null, TestContext.Current.CancellationToken);
        old.Served.ShouldBeFalse();
        old.Decision.Successor.ShouldBe(v2);

        var verifier = deployment.Services.GetRequiredService<LedgerVerifier>();
        foreach (var stream in new[] { AuditStreams.Model(input.ModelName), AuditStreams.Run(input.RunId), AuditStreams.Run(retrainRunId) })
        {
            var report = await verifier.VerifyStreamAsync(stream, deployment.PublicKeyPem, TestContext.Current.CancellationToken);
            report.IsValid.ShouldBeTrue($"{stream}: {report.FirstFailure}");
        }

        await monitor.TerminateAsync("test over");
    }

    private static async Task<ModelVersion> ApproveAndCompleteAsync(E2eDeployment deployment,
        Temporalio.Client.WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> run, string runId)
    {
        var result = await E2eRuns.ApproveByTwoAndFinishAsync(deployment, run, runId);
        result.Outcome.ShouldBe(RunOutcome.Completed, result.Reason);
        return result.Model.ShouldNotBeNull();
    }
}
