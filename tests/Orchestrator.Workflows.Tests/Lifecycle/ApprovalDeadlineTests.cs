using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Kind = Orchestrator.Workflows.Ledger.IRunLedgerActivities.ApprovalOutcomeKind;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>The approval deadline is a durable timer: with time skipping, three days pass in moments.</summary>
[Collection(TimeSkippingServer.Name)]
public sealed class ApprovalDeadlineTests(TimeSkippingTemporalEnvironment env)
{
    [Fact]
    public async Task Approval_QuorumNotMetByDeadline_ExpiresAndFailsTheRun()
    {
        var fakes = new FakeStageActivities();
        await LifecycleHarness.RunAsync(env, fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, fakes, Guid.NewGuid().ToString("N"));
            await LifecycleHarness.ApprovalOpenAsync(handle);
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("bob", 11)));
            await LifecycleHarness.UntilAsync(handle, s => s.Approval!.Approvers.Count == 1);

            // Without time skipping this would wait three real days.
            var result = await handle.GetResultAsync();

            var approval = (await handle.QueryAsync(wf => wf.Status())).Stages.Single(s => s.Stage == Stages.Approval);
            (approval.Ended!.Value - approval.Started).ShouldBeGreaterThanOrEqualTo(FakeStageActivities.Approval.Deadline);
            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Stage.ShouldBe(Stages.Approval);
            result.Reason.ShouldContain("expired");
            fakes.ApprovalOutcomes.Select(o => o.Kind).ShouldBe([Kind.Expired]);
        });
    }

    [Fact]
    public async Task CanaryDecision_NobodyDecidesByTheDeadline_RolledBackByTheDeadline()
    {
        var fakes = new FakeStageActivities { DeploymentHolds = true };
        await LifecycleHarness.RunAsync(env, fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, fakes, Guid.NewGuid().ToString("N"));
            await LifecycleHarness.ApprovalOpenAsync(handle);
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("bob", 11)));
            await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("carol", 12)));

            var result = await handle.GetResultAsync();

            var held = (await handle.QueryAsync(wf => wf.Status())).Stages.Single(s => s.Stage == Stages.CanaryDecision);
            (held.Ended!.Value - held.Started).ShouldBeGreaterThanOrEqualTo(FakeStageActivities.Approval.Deadline);
            held.Outcome.ShouldBe("rolled-back");
            result.Outcome.ShouldBe(RunOutcome.Failed);
            result.Reason.ShouldContain("no decision on the held canary by the deadline");
            var resolved = fakes.Resolutions.ShouldHaveSingleItem();
            (resolved.Decision, resolved.DecidedBy, resolved.Signature).ShouldBe((Orchestrator.Workflows.Deploy.CanaryDecisionKind.Rollback, (string?)null, (Orchestrator.Workflows.Approve.LedgerEntryRef?)null));
        });
    }
}
