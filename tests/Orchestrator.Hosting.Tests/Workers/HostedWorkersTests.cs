using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Hosting.Progress;
using Orchestrator.Hosting.Tests.Support;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Hosting.Tests.Workers;

/// <summary>A host built like production, role all, running the lifecycle on the real activities.</summary>
public sealed class HostedWorkersTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    [Fact]
    public async Task RoleAll_LifecycleRun_RunsCpuAndGpuStagesOnTheRealActivities()
    {
        await using var host = await OrchestratorTestHost.StartAsync(temporal, database, blob);
        var client = host.Services.GetRequiredService<ITemporalClient>();
        var input = Runs.Input(Guid.NewGuid().ToString("N"), host.Queues);

        var handle = await Runs.StartAsync(client, input);
        var training = await TrainingProgressAsync(handle);
        var status = await Runs.UntilAsync(handle, s => Runs.Completed(s, Stages.Export), seconds: 300);
        await handle.CancelAsync();
        var failure = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

        TemporalException.IsCanceledException(failure.InnerException!).ShouldBeTrue();
        status.Stages.Select(s => s.Stage).Take(5).ShouldBe([Stages.Acquire, Stages.Annotate, Stages.QualityControl, Stages.Train, Stages.Export]);
        var ledger = host.Services.GetRequiredService<IAuditLedger>();
        var facts = (await ledger.ReadStreamAsync(AuditStreams.Run(input.RunId), cancellationToken: TestContext.Current.CancellationToken))
            .Select(e => e.Data.GetType().Name).ToList();
        training.Activity.ShouldBe("Train");
        training.Training.ShouldNotBeNull().Epoch.ShouldBeGreaterThanOrEqualTo(0);
        facts.First().ShouldBe("RunStarted");
        facts.ShouldContain("DatasetAcquired");
        facts.ShouldContain("QualityEvaluated");
        facts.ShouldContain("TrainingCompleted");
        facts.Last().ShouldBe("RunCancelled");
    }

    /// <summary>Polls the run's pending activities until training has heartbeated.</summary>
    private static async Task<ActivityProgress> TrainingProgressAsync(WorkflowHandle handle)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var train = (await handle.PendingAsync(TestContext.Current.CancellationToken)).FirstOrDefault(p => p.Training is not null);
            if (train is not null)
            {
                return train;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("training never reported progress");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
