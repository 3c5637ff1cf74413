using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Hosting.Progress;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Client;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>Starting runs, signing approvals the way the API does, and reading what the ledger recorded.</summary>
public static class E2eRuns
{
    /// <summary>A synthetic set of <paramref name="count"/> images labelled by three simulated annotators of <paramref name="accuracy"/>.</summary>
    public static ModelLifecycleWorkflow.Input Input(E2eDeployment deployment, PolicyRef policy, string accuracy = "0.95", string requester = "alice", int count = 240)
    {
        var runId = Guid.NewGuid().ToString("N");
        return new ModelLifecycleWorkflow.Input(
            runId,
            "e2e-shapes-" + runId[..8],
            new DatasetSource("synthetic", null, new Dictionary<string, string> { ["seed"] = "21", ["count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "CC0-1.0", "none", "P7Y"),
            new AnnotationSource("simulated", null, new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = accuracy, ["seed"] = "4" }),
            policy,
            requester,
            Queues: deployment.Queues);
    }

    public static Task<WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result>> StartAsync(E2eDeployment deployment, ModelLifecycleWorkflow.Input input) =>
        deployment.Client.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input),
            new WorkflowOptions($"run-{input.RunId}", deployment.Queues.Default) { RunTimeout = TimeSpan.FromHours(1) });

    /// <summary>Queries the run until <paramref name="condition"/> holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task<RunStatus> UntilAsync(WorkflowHandle handle, Func<RunStatus, bool> condition, int seconds = 600)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await handle.QueryAsync<RunStatus>("Status", []);
            if (condition(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the run did not reach the expected state in {seconds} s; it is at {status.CurrentStage}: "
                    + string.Join(", ", status.Stages.Select(s => $"{s.Stage}={s.Outcome ?? "running"}")));
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// What the API does for an approver: append ApprovalSigned to the run's stream as the authenticated user
    /// with the evidence digest they saw, then signal the workflow a reference to that entry.
    /// </summary>
    public static async Task<LedgerEntry> SignAsync(E2eDeployment deployment, WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, string runId, string approver, string evidenceDigest,
        Audit.Events.ApprovalDecision decision = Audit.Events.ApprovalDecision.Approve)
    {
        var context = new AuditContext(Actor.User(approver, "approver"), new Correlation(handle.Id, runId), "api:approvals", []);
        var entry = await deployment.Ledger.AppendAsync(AuditStreams.Run(runId),
            new ApprovalSigned(approver, ["approver"], decision, $"{approver} reviewed the evidence", evidenceDigest),
            context, $"approval/{approver}/{evidenceDigest}", TestContext.Current.CancellationToken);
        await handle.SignalAsync(wf => wf.SubmitApprovalAsync(new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash)));
        return entry;
    }

    /// <summary>Waits for the approval stage, has bob and carol approve the evidence it asks for, and returns the run's result.</summary>
    public static async Task<ModelLifecycleWorkflow.Result> ApproveByTwoAndFinishAsync(E2eDeployment deployment, WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle, string runId)
    {
        var waiting = await UntilAsync(handle, s => s.Approval is not null);
        await SignAsync(deployment, handle, runId, "bob", waiting.Approval!.EvidenceDigest);
        await SignAsync(deployment, handle, runId, "carol", waiting.Approval.EvidenceDigest);
        return await handle.GetResultAsync();
    }

    /// <summary>Every entry of a stream, oldest first.</summary>
    public static async Task<List<LedgerEntry>> StreamAsync(E2eDeployment deployment, string streamId)
    {
        var entries = new List<LedgerEntry>();
        while (true)
        {
            var page = await deployment.Ledger.ReadStreamAsync(streamId, entries.Count + 1, 100, TestContext.Current.CancellationToken);
            entries.AddRange(page);
            if (page.Count < 100)
            {
                return entries;
            }
        }
    }

    /// <summary>The event type names of a stream, oldest first.</summary>
    public static async Task<List<string>> FactsAsync(E2eDeployment deployment, string streamId) =>
        (await StreamAsync(deployment, streamId)).Select(e => e.Data.GetType().Name).ToList();

    /// <summary>Reads the run's stream until <paramref name="condition"/> holds over its fact names, failing after <paramref name="seconds"/>.</summary>
    public static async Task UntilLedgerAsync(E2eDeployment deployment, string runId, Func<List<string>, bool> condition, int seconds = 600)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var facts = await FactsAsync(deployment, AuditStreams.Run(runId));
            if (condition(facts))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the run's stream did not reach the expected state in {seconds} s: {string.Join(", ", facts)}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until the server holds a heartbeat of the running train activity that satisfies <paramref name="condition"/>
    /// (the SDK throttles heartbeats, so a checkpoint reaches the server some seconds after its epoch ends).
    /// </summary>
    public static async Task<TrainingHeartbeat> UntilTrainingHeartbeatAsync(WorkflowHandle handle, Func<TrainingHeartbeat, bool> condition, int seconds = 600)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var train = (await handle.PendingAsync(TestContext.Current.CancellationToken)).FirstOrDefault(a => a.Training is not null);
            if (train?.Training is { } heartbeat && condition(heartbeat))
            {
                return heartbeat;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no matching training heartbeat reached the server in {seconds} s");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Asserts <paramref name="expected"/> occurs in <paramref name="facts"/> in this order (other facts may lie between).</summary>
    public static void ShouldContainInOrder(this List<string> facts, params string[] expected)
    {
        var at = 0;
        foreach (var fact in expected)
        {
            var found = facts.FindIndex(at, f => f == fact);
            found.ShouldBeGreaterThanOrEqualTo(0, $"'{fact}' missing after position {at} in: {string.Join(", ", facts)}");
            at = found + 1;
        }
    }

    /// <summary>True when <paramref name="stage"/> ran to completion.</summary>
    public static bool Completed(RunStatus status, string stage) => status.Stages.Any(s => s.Stage == stage && s.Outcome == "completed");

    /// <summary>True when <paramref name="stage"/> is running.</summary>
    public static bool Running(RunStatus status, string stage) => status.Stages.Any(s => s.Stage == stage && s.Outcome is null);
}
