using Orchestrator.Workflows.Lifecycle;
using Temporalio.Common;
using Temporalio.Worker;

namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// Old runs must still replay on the current workflow code: every recorded history is replayed with
/// <see cref="WorkflowReplayer"/>, which fails on any nondeterminism (a command added, removed or reordered
/// without <c>Workflow.Patched</c>). Recordings are made with <see cref="HistoryRecording"/>.
/// </summary>
public sealed class LifecycleReplayTests
{
    /// <summary>The scenarios every checkout must carry: the lifecycle's main paths.</summary>
    public static TheoryData<string> Required { get; } =
        new(HistoryRecording.Scenarios);

    [Theory]
    [MemberData(nameof(Required))]
    public async Task Replay_RecordedHistory_ReplaysWithoutNondeterminism(string scenario)
    {
        var path = Path.Combine(RecordedHistories.OutputDirectory, scenario + ".json");
        File.Exists(path).ShouldBeTrue($"the recording {scenario}.json is missing; re-record as docs/workflow.md describes");
        var history = WorkflowHistory.FromJson(RecordedHistories.WorkflowId(scenario), await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<ModelLifecycleWorkflow>());

        var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false, TestContext.Current.CancellationToken);

        result.ReplayFailure.ShouldBeNull();
        history.Events.Count.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task Replay_HistoryOfDifferentCommands_ReportsNondeterminism()
    {
        // The same recording with its first stage renamed stands for workflow code that changed unpatched.
        var json = await File.ReadAllTextAsync(Path.Combine(RecordedHistories.OutputDirectory, "completed-after-refusal.json"), TestContext.Current.CancellationToken);
        // Activity type names are the only place the name occurs in clear text (payloads are base64).
        var at = json.IndexOf("\"LoadPolicy\"", StringComparison.Ordinal);
        at.ShouldBeGreaterThan(0);
        var tampered = WorkflowHistory.FromJson(RecordedHistories.WorkflowId("completed-after-refusal"), json[..at] + "\"LoadOtherPolicy\"" + json[(at + "\"LoadPolicy\"".Length)..]);
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<ModelLifecycleWorkflow>());

        var result = await replayer.ReplayWorkflowAsync(tampered, throwOnReplayFailure: false, TestContext.Current.CancellationToken);

        result.ReplayFailure.ShouldNotBeNull();
    }

    [Fact]
    public void Recordings_OnDisk_AreExactlyTheRecordedScenarios()
    {
        // A stray or renamed file would otherwise never be replayed.
        RecordedHistories.Scenarios.ShouldBe(HistoryRecording.Scenarios.Order(StringComparer.Ordinal).ToList());
    }
}
