using Orchestrator.Workflows.Monitor;
using Temporalio.Common;
using Temporalio.Worker;

namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// Old monitor runs must still replay on the current workflow code: every recording of
/// <see cref="MonitorHistoryRecording"/> is replayed with <see cref="WorkflowReplayer"/>, which fails on any
/// nondeterminism. A monitor runs for a model's whole life, so its histories outlive many deployments.
/// </summary>
public sealed class MonitorReplayTests
{
    public static TheoryData<string> Required { get; } = new(MonitorHistoryRecording.Scenarios);

    [Theory]
    [MemberData(nameof(Required))]
    public async Task Replay_RecordedMonitorHistory_ReplaysWithoutNondeterminism(string scenario)
    {
        var path = Path.Combine(RecordedHistories.OutputDirectory, RecordedHistories.MonitorFolder, scenario + ".json");
        File.Exists(path).ShouldBeTrue($"the recording monitor/{scenario}.json is missing; re-record as docs/workflow.md describes");
        var history = WorkflowHistory.FromJson(ModelMonitorWorkflow.WorkflowId(MonitorHistoryRecording.Model(scenario)),
            await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<ModelMonitorWorkflow>());

        var result = await replayer.ReplayWorkflowAsync(history, throwOnReplayFailure: false, TestContext.Current.CancellationToken);

        result.ReplayFailure.ShouldBeNull();
        history.Events.Count.ShouldBeGreaterThan(5);
    }

    [Fact]
    public async Task Replay_MonitorHistoryOfDifferentCommands_ReportsNondeterminism()
    {
        // The recording with its measurement renamed stands for monitor code that changed unpatched.
        var json = await File.ReadAllTextAsync(Path.Combine(RecordedHistories.OutputDirectory, RecordedHistories.MonitorFolder, "drift-retrain-requested.json"),
            TestContext.Current.CancellationToken);
        var at = json.IndexOf("\"MeasureModelHealth\"", StringComparison.Ordinal);
        at.ShouldBeGreaterThan(0);
        var tampered = WorkflowHistory.FromJson(ModelMonitorWorkflow.WorkflowId(MonitorHistoryRecording.Model("drift-retrain-requested")),
            json[..at] + "\"MeasureOtherHealth\"" + json[(at + "\"MeasureModelHealth\"".Length)..]);
        var replayer = new WorkflowReplayer(new WorkflowReplayerOptions().AddWorkflow<ModelMonitorWorkflow>());

        var result = await replayer.ReplayWorkflowAsync(tampered, throwOnReplayFailure: false, TestContext.Current.CancellationToken);

        result.ReplayFailure.ShouldNotBeNull();
    }

    [Fact]
    public void Recordings_OnDisk_AreExactlyTheRecordedScenarios() =>
        RecordedHistories.MonitorScenarios.ShouldBe(MonitorHistoryRecording.Scenarios.Order(StringComparer.Ordinal).ToList());
}
