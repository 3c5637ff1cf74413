using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Tests.Monitor;
using Temporalio.Client;

namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// Records the monitor's replay histories: runs each scenario of the shipped <see cref="ModelMonitorWorkflow"/> on
/// stand-in activities (time-skipping server) and writes the history of its first run to
/// tests/Orchestrator.Workflows.Tests/Histories/monitor/{scenario}.json. Explicit, like <see cref="HistoryRecording"/>:
/// <c>dotnet test --project tests/Orchestrator.Workflows.Tests -- --filter-class "*MonitorHistoryRecording" --explicit only</c>.
/// </summary>
[Collection(TimeSkippingServer.Name)]
public sealed class MonitorHistoryRecording(TimeSkippingTemporalEnvironment env)
{
    /// <summary>The recorded scenarios.</summary>
    public static IReadOnlyList<string> Scenarios { get; } =
        ["drift-retrain-requested", "superseded-decommissioned", "serving-stopped-and-resumed", "continued-as-new"];

    public static TheoryData<string> All { get; } = new(Scenarios);

    /// <summary>The model name a scenario was recorded for (its workflow id is <see cref="ModelMonitorWorkflow.WorkflowId"/> of it).</summary>
    public static string Model(string scenario) => "replay-" + scenario;

    [Theory(Explicit = true)]
    [MemberData(nameof(All))]
    public async Task Record_Scenario_WritesHistory(string scenario)
    {
        Assert.SkipUnless(env.SupportsTimeSkipping, "recordings are made on the embedded time-skipping server");
        var fakes = new FakeMonitorActivities { Model = Model(scenario), Drifting = scenario is "drift-retrain-requested" or "continued-as-new" };
        if (scenario == "superseded-decommissioned")
        {
            // Weekly checks, so only the grace period's timer fires while time is skipped.
            fakes.CheckInterval = TimeSpan.FromDays(7);
            fakes.GracePeriod = TimeSpan.FromHours(2);
        }

        WorkflowHandle<ModelMonitorWorkflow>? first = null;
        await MonitorHarness.RunAsync(env, fakes, async () =>
        {
            first = await MonitorHarness.StartAsync(env, fakes, 3, checksPerRun: scenario == "continued-as-new" ? 2 : null);
            first = first with { RunId = (await first.DescribeAsync()).RunId };
            // Signals and queries address the latest run (a monitor continues as new); the history is the first run's.
            await DriveAsync(scenario, fakes, first with { RunId = null });
            await (first with { RunId = null }).TerminateAsync("recorded");
        });

        var history = await first!.FetchHistoryAsync();
        history.Events.ShouldNotBeEmpty();
        await File.WriteAllTextAsync(Path.Combine(RecordedHistories.SourceDirectory(), RecordedHistories.MonitorFolder, scenario + ".json"), history.ToJson(),
            TestContext.Current.CancellationToken);
    }

    private async Task DriveAsync(string scenario, FakeMonitorActivities fakes, WorkflowHandle<ModelMonitorWorkflow> handle)
    {
        switch (scenario)
        {
            case "drift-retrain-requested":
                for (var check = 1; check <= 2; check++)
                {
                    await handle.SignalAsync(wf => wf.CheckNowAsync());
                    var expected = check;
                    await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected);
                }

                break;
            case "superseded-decommissioned":
                await handle.SignalAsync(wf => wf.ProductionChangedAsync(new ProductionChange(fakes.Version(4, "run-2"), 3)));
                await MonitorHarness.UntilAsync(handle, s => s.State.Pending.Count == 1);
                await env.Environment.DelayAsync(TimeSpan.FromHours(3), TestContext.Current.CancellationToken);
                await MonitorHarness.UntilAsync(handle, s => s.State.Pending.Count == 0 && !fakes.Decommissioned.IsEmpty);
                break;
            case "serving-stopped-and-resumed":
                await handle.SignalAsync(wf => wf.ServingStoppedAsync("emergency stop by dana: wrong labels"));
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                await MonitorHarness.UntilAsync(handle, s => s.State.ServingStopped is not null);
                await handle.SignalAsync(wf => wf.ServingResumedAsync("resumed with approval"));
                await handle.SignalAsync(wf => wf.CheckNowAsync());
                await MonitorHarness.UntilAsync(handle, s => s.State.Checks == 1);
                break;
            case "continued-as-new":
                for (var check = 1; check <= 3; check++)
                {
                    await handle.SignalAsync(wf => wf.CheckNowAsync());
                    var expected = check;
                    await MonitorHarness.UntilAsync(handle, s => s.State.Checks == expected);
                }

                break;
        }
    }
}
