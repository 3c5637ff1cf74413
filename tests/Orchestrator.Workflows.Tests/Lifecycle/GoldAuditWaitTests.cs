using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Client;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>Under a policy requiring a human gold audit the run waits durably for one; the deadline is a timer (time skipping).</summary>
[Collection(TimeSkippingServer.Name)]
public sealed class GoldAuditWaitTests(TimeSkippingTemporalEnvironment env)
{
    private static readonly QcPolicy Human = new(MinGoldAuditReviewed: 1, GoldAudit: GoldAuditMode.Human, GoldAuditDeadline: TimeSpan.FromDays(2));

    private static Task<GoldAuditJudgement> Submit(WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, Orchestrator.Workflows.Approve.LedgerEntryRef entry) =>
        handle.ExecuteUpdateAsync(wf => wf.SubmitGoldAuditAsync(entry), new WorkflowUpdateOptions($"gold-audit-{entry.Version}"));

    [Fact]
    public async Task GoldAudit_AnnotatorThenIndependentReviewer_RefusesThenTakesTheAuditIntoQc()
    {
        var runId = Guid.NewGuid().ToString("N");
        var fakes = new FakeStageActivities { Quality = Human, StreamId = $"run-{runId}" };
        await LifecycleHarness.RunAsync(env, fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, fakes, runId);
            var waiting = await LifecycleHarness.UntilAsync(handle, s => s.GoldAudit is not null);
            waiting.CurrentStage.ShouldBe(Stages.GoldAudit);
            fakes.QcInputs.ShouldBeEmpty();

            var annotator = await Submit(handle, fakes.SubmitAudit("ANN-1", 5));
            var rita = await Submit(handle, fakes.SubmitAudit("rita", 6));
            await LifecycleHarness.ApprovalOpenAsync(handle);

            annotator.Outcome.ShouldBe(GoldAuditJudgements.Refused);
            annotator.Explanation.ShouldContain("annotated this run's data");
            fakes.AuditRefusals.ShouldHaveSingleItem().Rule.ShouldBe("separation-of-duties");
            rita.Outcome.ShouldBe(GoldAuditJudgements.Accepted);
            var qc = fakes.QcInputs.ShouldHaveSingleItem();
            qc.HumanAudit.ShouldNotBeNull().Reviewer.ShouldBe("rita");
            await handle.TerminateAsync("test done");
        });
    }

    [Fact]
    public async Task GoldAudit_NoSubmissionByDeadline_QcRunsWithoutAHumanAudit()
    {
        var runId = Guid.NewGuid().ToString("N");
        var fakes = new FakeStageActivities { Quality = Human, StreamId = $"run-{runId}" };
        fakes.QcVerdicts.Enqueue(false);
        fakes.QcVerdicts.Enqueue(false);
        await LifecycleHarness.RunAsync(env, fakes, async () =>
        {
            var handle = await LifecycleHarness.StartAsync(env, fakes, runId);

            // Two rounds (maxAnnotationRounds 1), each waiting two days: time skipping makes that moments.
            var result = await handle.GetResultAsync();

            result.Stage.ShouldBe(Stages.QualityControl);
            fakes.QcInputs.Count.ShouldBe(2);
            fakes.QcInputs.ShouldAllBe(i => i.HumanAudit == null);
            var audits = (await handle.QueryAsync(wf => wf.Status())).Stages.Where(s => s.Stage == Stages.GoldAudit).ToList();
            audits.Count.ShouldBe(2);
            audits.ShouldAllBe(s => s.Outcome == "expired" && s.Ended!.Value - s.Started >= TimeSpan.FromDays(2));
        });
    }
}
