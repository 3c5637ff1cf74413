using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.QualityControl;
using Orchestrator.Workflows.Tests.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// Records the replay histories: runs each scenario of the shipped workflow on stand-in activities and writes
/// its history to tests/Orchestrator.Workflows.Tests/Histories/{scenario}.json. Explicit, so CI only replays:
/// <c>dotnet test --project tests/Orchestrator.Workflows.Tests -- --filter-class "*HistoryRecording" --explicit only</c>.
/// Re-record only to add scenarios or after a change that every old run may legitimately fail to replay
/// (never to silence a nondeterminism failure: put the change behind <c>Workflow.Patched</c> instead).
/// </summary>
public sealed class HistoryRecording(TemporalEnvironment env) : IClassFixture<TemporalEnvironment>
{
    /// <summary>The recorded scenarios.</summary>
    public static IReadOnlyList<string> Scenarios { get; } =
        ["completed-after-refusal", "quality-loop-failed", "evaluation-failed", "cancelled-in-training", "canary-rolled-back",
            // Recorded after patch "stage-cancellation-waits"; "cancelled-in-training" keeps the path before it.
            "cancelled-in-training-waits",
            // Recorded after patch "monitor-handover"; "completed-after-refusal" keeps the path before it.
            "completed-with-handover",
            // Recorded after approvals became updates (ADR 0022): bob twice (the second refused), carol closes the gate.
            "completed-with-updates",
            // Recorded after patch "cancelled-while-starting": cancelled while the policy loads.
            "cancelled-while-starting",
            // Recorded after patch "human-gold-audit": an annotator's audit refused, rita's taken into QC, then approved and promoted.
            "gold-audit-human",
            // Recorded after patch "canary-hold-decision": the canary held for too little traffic, the requester's decision refused, dave promotes.
            "canary-held-promoted",
            // Recorded after patch "accept-no-canary-comparison": bob and carol both accept deploying without a canary comparison.
            "completed-without-canary-comparison"];

    public static TheoryData<string> All { get; } = new(Scenarios);

    [Theory(Explicit = true)]
    [MemberData(nameof(All))]
    public async Task Record_Scenario_WritesHistory(string scenario)
    {
        // A recording made on older workflow code is the evidence that old runs replay: re-recording it on today's code would
        // silently drop that evidence, so existing files are kept unless ORCHESTRATOR_RERECORD_HISTORIES=1 says otherwise.
        var path = Path.Combine(RecordedHistories.SourceDirectory(), scenario + ".json");
        if (File.Exists(path) && Environment.GetEnvironmentVariable("ORCHESTRATOR_RERECORD_HISTORIES") != "1")
        {
            Assert.Skip($"{scenario}.json is already recorded (set ORCHESTRATOR_RERECORD_HISTORIES=1 to overwrite it)");
        }

        var fakes = new FakeStageActivities();
        WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>? handle = null;
        await LifecycleHarness.RunAsync(env, fakes, async () =>
        {
            Arrange(scenario, fakes);
            handle = await LifecycleHarness.StartAsync(env, fakes, "replay-" + scenario);
            await DriveAsync(scenario, fakes, handle);
        });

        var history = await handle!.FetchHistoryAsync();
        history.Events.ShouldNotBeEmpty();
        await File.WriteAllTextAsync(path, history.ToJson(), TestContext.Current.CancellationToken);
    }

    private static void Arrange(string scenario, FakeStageActivities fakes)
    {
        switch (scenario)
        {
            case "quality-loop-failed":
                fakes.QcVerdicts.Enqueue(false);
                fakes.QcVerdicts.Enqueue(false);
                break;
            case "evaluation-failed":
                fakes.EvaluationPasses = false;
                break;
            case "cancelled-in-training" or "cancelled-in-training-waits":
                fakes.TrainBlocksUntilCancelled = true;
                break;
            case "canary-rolled-back":
                fakes.DeploymentPromotes = false;
                break;
            case "completed-with-updates" or "completed-without-canary-comparison":
                fakes.StreamId = "run-replay-" + scenario;
                break;
            case "gold-audit-human":
                fakes.StreamId = "run-replay-" + scenario;
                fakes.Quality = new QcPolicy(MinGoldAuditReviewed: 1, GoldAudit: GoldAuditMode.Human, GoldAuditDeadline: TimeSpan.FromDays(2));
                break;
            case "canary-held-promoted":
                fakes.StreamId = "run-replay-" + scenario;
                fakes.DeploymentHolds = true;
                break;
            case "cancelled-while-starting":
                fakes.PolicyGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                break;
        }
    }

    /// <summary>Bob and carol approve through the update, each signature made by <paramref name="sign"/> (approver, ledger version).</summary>
    private static async Task ApproveAsync(
        WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, Func<string, long, LedgerEntryRef> sign)
    {
        await LifecycleHarness.ApprovalOpenAsync(handle);
        foreach (var (who, version) in new[] { ("bob", 11L), ("carol", 13L) })
        {
            var entry = sign(who, version);
            await handle.ExecuteUpdateAsync(wf => wf.JudgeApprovalAsync(entry), new WorkflowUpdateOptions($"approval-{version}"));
        }
    }

    private static async Task DriveAsync(string scenario, FakeStageActivities fakes, WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle)
    {
        switch (scenario)
        {
            case "completed-after-refusal" or "canary-rolled-back" or "completed-with-handover":
                await LifecycleHarness.ApprovalOpenAsync(handle);
                if (scenario == "completed-after-refusal")
                {
                    // The requester may not approve: refused and recorded, the run keeps waiting.
                    await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("alice", 10)));
                    await LifecycleHarness.UntilAsync(handle, s => s.Approval!.Refusals.Count == 1);
                }

                await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("bob", 11)));
                await handle.SignalAsync(wf => wf.SubmitApprovalAsync(fakes.Sign("carol", 12, ApprovalDecision.Approve)));
                await handle.GetResultAsync();
                break;
            case "cancelled-in-training" or "cancelled-in-training-waits":
                await fakes.TrainStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                await handle.CancelAsync();
                await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());
                break;
            case "completed-with-updates":
                await LifecycleHarness.ApprovalOpenAsync(handle);
                foreach (var (who, version) in new[] { ("bob", 11L), ("bob", 12L), ("carol", 13L) })
                {
                    var entry = fakes.Sign(who, version);
                    await handle.ExecuteUpdateAsync(wf => wf.JudgeApprovalAsync(entry), new WorkflowUpdateOptions($"approval-{version}"));
                }

                await handle.GetResultAsync();
                break;
            case "cancelled-while-starting":
                await fakes.PolicyLoading.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                await handle.CancelAsync();
                await Should.ThrowAsync<WorkflowFailedException>(() => handle.GetResultAsync());
                fakes.PolicyGate!.SetResult();
                break;
            case "gold-audit-human":
                await LifecycleHarness.UntilAsync(handle, s => s.GoldAudit is not null);
                foreach (var (reviewer, version) in new[] { ("ann-1", 5L), ("rita", 6L) })
                {
                    var audit = fakes.SubmitAudit(reviewer, version);
                    await handle.ExecuteUpdateAsync(wf => wf.SubmitGoldAuditAsync(audit), new WorkflowUpdateOptions($"gold-audit-{version}"));
                }

                await ApproveAsync(handle, (a, v) => fakes.Sign(a, v));
                await handle.GetResultAsync();
                break;
            case "canary-held-promoted":
                await ApproveAsync(handle, (a, v) => fakes.Sign(a, v));
                await LifecycleHarness.UntilAsync(handle, s => s.CanaryDecision is not null);
                foreach (var (who, version) in new[] { ("alice", 21L), ("dave", 22L) })
                {
                    var decision = fakes.SignCanary(who, version, CanaryDecisionKind.Promote);
                    await handle.ExecuteUpdateAsync(wf => wf.JudgeCanaryDecisionAsync(decision), new WorkflowUpdateOptions($"canary-decision-{version}"));
                }

                await handle.GetResultAsync();
                break;
            case "completed-without-canary-comparison":
                await ApproveAsync(handle, fakes.SignAcceptingNoCanaryComparison);
                (await handle.GetResultAsync()).Reason.ShouldStartWith("deployed without a canary comparison, accepted by bob, carol");
                break;
            default:
                await handle.GetResultAsync();
                break;
        }
    }
}
