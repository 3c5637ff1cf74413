using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>
/// A run cancelled right after it was started (issue 17 item 9): before patch "cancelled-while-starting" the
/// cancellation escaped the run's try/catch while it pinned its policy or recorded its start, and the ledger
/// never heard of it. Both moments are tested: before any worker picked the run up, and while the policy loads.
/// </summary>
public sealed class CancellationWhileStartingTests(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    private readonly FakeStageActivities _fakes = new();
    private readonly string _runId = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Cancel_BeforeAnyWorkerStartedTheRun_RecordsRunCancelled()
    {
        var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
        await handle.CancelAsync();

        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var error = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());

            error.InnerException.ShouldBeOfType<CanceledFailureException>();
            _fakes.Ended.ShouldNotBeNull().Outcome.ShouldBe(RunOutcome.Cancelled);
            _fakes.Ended.Stage.ShouldBe(Stages.Starting);
            _fakes.Calls.ShouldNotContain(IRunLedgerActivities.RecordStartedName);
        });
    }

    [Fact]
    public async Task Cancel_WhileThePolicyLoads_RecordsRunCancelled()
    {
        _fakes.PolicyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await LifecycleHarness.RunAsync(env, _fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, _fakes, _runId);
            await _fakes.PolicyLoading.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            await handle.CancelAsync();
            var error = await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());
            _fakes.PolicyGate.SetResult();

            error.InnerException.ShouldBeOfType<CanceledFailureException>();
            _fakes.Ended.ShouldNotBeNull().Outcome.ShouldBe(RunOutcome.Cancelled);
            _fakes.Ended.Reason.ShouldStartWith("cancelled while starting");
        });
    }
}
