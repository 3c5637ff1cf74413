using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Verification;
using Orchestrator.EndToEnd.Tests.Support;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Train;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Runs interrupted during training: cancelled by the requester (the running activity is cancelled and says so,
/// the run is recorded as cancelled, nothing is registered or deployed), and a GPU worker lost mid-training, stopped at once in
/// process or SIGKILLed as a separate process (a new worker's retry resumes from the last heartbeated checkpoint, no epoch is recorded twice, the run completes).
/// </summary>
public sealed class TrainingInterruptionTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    [Fact]
    public async Task Cancel_DuringTraining_ActivityCancelledRunCancelledNothingDeployed()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = E2eRuns.Input(deployment, E2ePolicies.Endless);
        var handle = await E2eRuns.StartAsync(deployment, input);
        // A finished epoch proves the activity is inside its training loop; the policy's epochs outlast any wait.
        await E2eRuns.UntilLedgerAsync(deployment, input.RunId, facts => facts.Contains(nameof(TrainingEpochCompleted)));

        await handle.CancelAsync();
        var failure = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        TemporalException.IsCanceledException(failure.InnerException!).ShouldBeTrue(failure.InnerException?.ToString());
        var history = await handle.FetchHistoryAsync();
        var train = history.Events.Single(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == ITrainActivities.Name).EventId;
        history.Events.ShouldContain(e => e.EventType == EventType.ActivityTaskCancelRequested && e.ActivityTaskCancelRequestedEventAttributes.ScheduledEventId == train);
        // The worker reported the activity as cancelled: it observed the cancellation rather than being abandoned.
        history.Events.ShouldContain(e => e.EventType == EventType.ActivityTaskCanceled && e.ActivityTaskCanceledEventAttributes.ScheduledEventId == train);

        var entries = await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId));
        var facts = entries.Select(e => e.Data.GetType().Name).ToList();
        facts.Last().ShouldBe(nameof(RunCancelled));
        facts.ShouldContainInOrder(nameof(RunStarted), nameof(TrainingStarted), nameof(TrainingEpochCompleted), nameof(RunCancelled));
        facts.Count(f => f == nameof(RunCancelled)).ShouldBe(1);
        facts.Count(f => f == nameof(TrainingStarted)).ShouldBe(1);
        facts.ShouldNotContain(nameof(TrainingCompleted));
        facts.ShouldNotContain(nameof(RunFailed));
        var epochs = entries.Select(e => e.Data).OfType<TrainingEpochCompleted>().Select(e => e.Epoch).ToList();
        epochs.ShouldBe(Enumerable.Range(1, epochs.Count).ToList(), "each epoch recorded once, in order");
        (await E2eRuns.FactsAsync(deployment, AuditStreams.Model(input.ModelName))).ShouldBeEmpty("nothing registered or deployed");
        await VerifiesAsync(deployment, AuditStreams.Run(input.RunId));
    }

    [Fact]
    public async Task GpuWorkerStoppedAtOnce_AfterCheckpoint_NextWorkerResumesAndRunCompletes()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("cpu-worker", "cpu");
        var firstGpu = await deployment.StartHostAsync("gpu-worker", "gpu-1");
        var input = E2eRuns.Input(deployment, E2ePolicies.Interrupted);
        var handle = await E2eRuns.StartAsync(deployment, input);
        var heartbeat = await E2eRuns.UntilTrainingHeartbeatAsync(handle, h => h.LastCheckpointDigest is not null);

        await deployment.KillAsync(firstGpu);

        var started = await ResumesAndCompletesAsync(deployment, handle, input, heartbeat);
        // How the server learned of the lost attempt (the worker's last report or the heartbeat timeout), for the log.
        TestContext.Current.TestOutputHelper?.WriteLine($"train attempt {started.Attempt}; previous attempt: {started.LastFailure?.Message ?? "(no failure recorded)"}");
    }

    [Fact]
    public async Task GpuWorkerProcessSigKilled_AfterCheckpoint_HeartbeatTimesOutAndNextWorkerResumes()
    {
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("cpu-worker", "cpu");
        // The GPU worker is the service binary in a process of its own, killed with SIGKILL: no shutdown code
        // runs and nothing tells the server, which learns of the loss from the missing heartbeats alone.
        var gpu = deployment.StartProcess("gpu-worker", "gpu-process");
        var input = E2eRuns.Input(deployment, E2ePolicies.Interrupted);
        var handle = await E2eRuns.StartAsync(deployment, input);
        TrainingHeartbeat heartbeat;
        try
        {
            heartbeat = await E2eRuns.UntilTrainingHeartbeatAsync(handle, h => h.LastCheckpointDigest is not null, seconds: 300);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; the worker process {(gpu.HasExited ? "exited" : "is running")}; its log ends:\n{gpu.Tail()}", e);
        }

        gpu.Kill();

        var started = await ResumesAndCompletesAsync(deployment, handle, input, heartbeat);
        started.LastFailure.ShouldNotBeNull("the killed attempt must be recorded as failed");
        started.LastFailure.TimeoutFailureInfo.ShouldNotBeNull(started.LastFailure.ToString()).TimeoutType.ShouldBe(TimeoutType.Heartbeat, started.LastFailure.ToString());
    }

    /// <summary>
    /// After the GPU worker was lost: a second GPU worker takes the retry, which resumes from a checkpoint the lost one
    /// heartbeated; the run is approved and completes; every epoch is recorded once, in order; both streams verify.
    /// Returns the train activity's started attempt (how the server saw the lost one).
    /// </summary>
    private static async Task<Temporalio.Api.History.V1.ActivityTaskStartedEventAttributes> ResumesAndCompletesAsync(
        E2eDeployment deployment, WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, ModelLifecycleWorkflow.Input input, TrainingHeartbeat heartbeat)
    {
        var killedAfter = (await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId))).Select(e => e.Data).OfType<TrainingEpochCompleted>().Count();
        killedAfter.ShouldBeLessThan(E2ePolicies.InterruptedEpochs, "the worker must be lost while epochs remain");
        await deployment.StartHostAsync("gpu-worker", "gpu-2");
        var result = await E2eRuns.ApproveByTwoAndFinishAsync(deployment, handle, input.RunId);

        result.Outcome.ShouldBe(RunOutcome.Completed, result.Reason);
        var entries = await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId));
        var data = entries.Select(e => e.Data).ToList();
        var starts = data.OfType<TrainingStarted>().ToList();
        starts.Count.ShouldBe(2, "the first attempt's start and the retry's resumption");
        starts[0].ResumedFromCheckpoint.ShouldBeNull();
        var epochs = data.OfType<TrainingEpochCompleted>().ToList();
        epochs.Select(e => e.Epoch).ShouldBe(Enumerable.Range(1, E2ePolicies.InterruptedEpochs), "each epoch recorded once, in order");
        // The retry continued from a checkpoint the lost worker heartbeated: at or after the one the test saw.
        var resumedFrom = epochs.Single(e => e.CheckpointDigest == starts[1].ResumedFromCheckpoint);
        resumedFrom.Epoch.ShouldBeGreaterThanOrEqualTo(epochs.Single(e => e.CheckpointDigest == heartbeat.LastCheckpointDigest).Epoch);
        // An epoch the lost worker recorded but had not yet heartbeated is trained again and not recorded twice.
        var resumedAt = data.IndexOf(starts[1]);
        data.Take(resumedAt).OfType<TrainingEpochCompleted>().Max(e => e.Epoch).ShouldBeGreaterThanOrEqualTo(resumedFrom.Epoch);
        data.Skip(resumedAt).OfType<TrainingEpochCompleted>().ShouldAllBe(e => e.Epoch > resumedFrom.Epoch);
        var completed = data.OfType<TrainingCompleted>().ShouldHaveSingleItem();
        completed.Epochs.ShouldBe(E2ePolicies.InterruptedEpochs);
        completed.LossCurve.Take(resumedFrom.Epoch).ShouldBe(epochs.Take(resumedFrom.Epoch).Select(e => e.TrainLoss), "the curve carries the first worker's epochs from the checkpoint");
        data.OfType<RunCompleted>().ShouldHaveSingleItem();

        var history = await handle.FetchHistoryAsync();
        var train = history.Events.Single(e => e.ActivityTaskScheduledEventAttributes?.ActivityType.Name == ITrainActivities.Name).EventId;
        var started = history.Events.Single(e => e.ActivityTaskStartedEventAttributes?.ScheduledEventId == train).ActivityTaskStartedEventAttributes;
        started.Attempt.ShouldBeGreaterThanOrEqualTo(2);
        (await E2eRuns.FactsAsync(deployment, AuditStreams.Model(input.ModelName))).ShouldContainInOrder("ModelExported", "ModelDeployed", "ModelPromoted");
        await VerifiesAsync(deployment, AuditStreams.Run(input.RunId), AuditStreams.Model(input.ModelName));
        return started;
    }

    private static async Task VerifiesAsync(E2eDeployment deployment, params string[] streams)
    {
        var verifier = deployment.Services.GetRequiredService<LedgerVerifier>();
        foreach (var stream in streams)
        {
            var report = await verifier.VerifyStreamAsync(stream, deployment.PublicKeyPem, TestContext.Current.CancellationToken);
            report.IsValid.ShouldBeTrue($"{stream}: {report.FirstFailure}");
        }
    }
}
