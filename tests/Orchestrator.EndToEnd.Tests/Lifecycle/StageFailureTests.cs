using Orchestrator.Audit.Events;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Verification;
using Orchestrator.EndToEnd.Tests.Support;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Train;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.EndToEnd.Tests.Lifecycle;

/// <summary>
/// A stage failure that retrying cannot fix: the real Acquire activity fails non-retryable, so the run fails at
/// once (one attempt, no retry backoff) and the ledger says which stage failed and why, once.
/// </summary>
public sealed class StageFailureTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    [Fact]
    public async Task Run_DatasetSourceMissing_FailsAtAcquireOnFirstAttempt()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var container = "missing-" + Guid.NewGuid().ToString("N")[..12];
        var input = E2eRuns.Input(deployment, E2ePolicies.Lenient) with
        {
            Dataset = new DatasetSource("image-folder", $"blob://{container}/images", new Dictionary<string, string>(), "CC0-1.0", "none", "P7Y"),
        };

        var handle = await E2eRuns.StartAsync(deployment, input);
        var failure = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        var stageFailure = failure.InnerException.ShouldBeOfType<ApplicationFailureException>();
        stageFailure.ErrorType.ShouldBe("StageFailed");
        stageFailure.Message.ShouldContain(Stages.Acquire);
        var history = await handle.FetchHistoryAsync();
        var acquire = history.Events.Single(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == IAcquireActivities.Name).EventId;
        history.Events.Single(e => e.ActivityTaskStartedEventAttributes?.ScheduledEventId == acquire).ActivityTaskStartedEventAttributes.Attempt.ShouldBe(1);
        var failed = history.Events.Single(e => e.EventType == EventType.ActivityTaskFailed && e.ActivityTaskFailedEventAttributes.ScheduledEventId == acquire);
        failed.ActivityTaskFailedEventAttributes.Failure.ApplicationFailureInfo.Type.ShouldBe("InvalidInput");
        failed.ActivityTaskFailedEventAttributes.Failure.ApplicationFailureInfo.NonRetryable.ShouldBeTrue();

        var data = (await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId))).Select(e => e.Data).ToList();
        data.Select(d => d.GetType().Name).ToList().ShouldBe([nameof(RunStarted), nameof(RunFailed)]);
        var runFailed = data.OfType<RunFailed>().ShouldHaveSingleItem();
        runFailed.Stage.ShouldBe(Stages.Acquire);
        runFailed.Reason.ShouldContain(container, Case.Insensitive);
        (await E2eRuns.FactsAsync(deployment, AuditStreams.Model(input.ModelName))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Run_LearningRateThatDiverges_FailsAtTrainSayingWhyAndTheLedgerVerifies()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = E2eRuns.Input(deployment, E2ePolicies.Diverging);

        var handle = await E2eRuns.StartAsync(deployment, input);
        var failure = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        failure.InnerException.ShouldBeOfType<ApplicationFailureException>().Message.ShouldContain("training diverged:");
        var history = await handle.FetchHistoryAsync();
        var train = history.Events.Single(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == ITrainActivities.Name).EventId;
        var failed = history.Events.Single(e => e.EventType == EventType.ActivityTaskFailed && e.ActivityTaskFailedEventAttributes.ScheduledEventId == train);
        failed.ActivityTaskFailedEventAttributes.Failure.ApplicationFailureInfo.Type.ShouldBe("TrainingDiverged");
        failed.ActivityTaskFailedEventAttributes.Failure.ApplicationFailureInfo.NonRetryable.ShouldBeTrue();

        // The run's failure in the ledger, and the summary the API serves (GET /api/runs/{id}) folded from it, say why.
        var runFailed = (await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId))).Select(e => e.Data).OfType<RunFailed>().ShouldHaveSingleItem();
        runFailed.Stage.ShouldBe(Stages.Train);
        runFailed.Reason.ShouldMatch(@"^train failed: training diverged: (loss|gradient norm) is (NaN|\+infinity) at epoch 1, batch \d+ \(learning rate \d(\.\d+)?E\+(29|30)\)$");
        var summary = await deployment.Services.GetRequiredService<LedgerReplay>().RunAsync(AuditStreams.Run(input.RunId), cancellationToken: TestContext.Current.CancellationToken);
        summary.ShouldNotBeNull().FailureReason.ShouldBe(runFailed.Reason);
        var report = await deployment.Services.GetRequiredService<LedgerVerifier>()
            .VerifyStreamAsync(AuditStreams.Run(input.RunId), deployment.PublicKeyPem, TestContext.Current.CancellationToken);
        report.IsValid.ShouldBeTrue(report.FirstFailure?.ToString());
    }
}
