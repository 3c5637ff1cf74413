using Orchestrator.Activities.Common;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Benchmarks.Audit;
using Orchestrator.TemporalServer.Hosting;
using Temporalio.Client;
using Temporalio.Worker;

namespace Orchestrator.Benchmarks.Workflows;

/// <summary>
/// Per-stage orchestration overhead: the median round trip of a stage that records its fact in the
/// hash-chained ledger (workflow → activity → audit append, no ML work) against the median round trip of
/// an empty activity, on the same server, worker and run, in interleaved rounds. Target: ratio ≤ 1.25.
/// A third path, a stage whose activity makes one bare <c>SELECT 1</c> round trip, is printed as the floor
/// that any stage waiting for PostgreSQL has on the machine, to tell the ledger's own cost from the network's.
/// Runs against TEMPORAL_ADDRESS when set, else the embedded server hosted in-process.
/// </summary>
public sealed class StageOverheadBenchmark : IBenchmark
{
    private const int StagesPerRun = 10;

    public string Name => "stage-overhead";

    public string Description => "median stage round trip with audit append vs median empty-activity round trip (same server, same run)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var server = Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 }
            ? null
            : await TemporalServerHost.StartAsync(new ServerOptions(), cancellationToken).ConfigureAwait(false);
        var address = server?.Address ?? Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS")!;
        BenchContext.Note($"Temporal at {address}{(server is null ? "" : " (embedded)")}");
        await using var database = await BenchDatabase.CreateAsync(cancellationToken).ConfigureAwait(false);
        await using var ledgerDatabase = await LedgerDatabase.OpenAsync(database.ConnectionString, LedgerStore.DefaultSchema, installSchema: true, cancellationToken).ConfigureAwait(false);
        var audit = new StageAudit(new MartenAuditLedger(ledgerDatabase, TimeProvider.System), WorkerIdentity.Current("orchestrator-bench"));

        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address)).ConfigureAwait(false);
        var queue = $"bench-stage-{Guid.NewGuid():N}";
        var activities = new StageOverheadActivities(audit, ledgerDatabase.DataSource);
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
            .AddWorkflow<StageOverheadWorkflow>()
            .AddAllActivities(activities));

        await worker.ExecuteAsync(async () =>
        {
            // Warm up JIT, connections, Marten's generated code and the server's queues on every path.
            foreach (var body in Enum.GetValues<StageBody>())
            {
                await RunAsync(client, queue, body, cancellationToken).ConfigureAwait(false);
            }

            var samples = Enum.GetValues<StageBody>().ToDictionary(body => body, _ => new List<double>());
            var runs = BenchContext.Scaled(20);
            for (var run = 0; run < runs; run++)
            {
                // Interleaved so drift in machine load hits every path alike.
                foreach (var (body, sample) in samples)
                {
                    sample.AddRange(await RunAsync(client, queue, body, cancellationToken).ConfigureAwait(false));
                }
            }

            var stage = samples[StageBody.Audited];
            var empty = samples[StageBody.Empty];
            var floor = Measure.Median(samples[StageBody.RoundTrip]);
            BenchContext.Note($"{stage.Count} stages per path; p90 audited {Percentile(stage, 0.9):0.0} ms, empty {Percentile(empty, 0.9):0.0} ms");
            BenchContext.Note($"the append inside the audited activity: median {Measure.Median([.. activities.AppendTimes]):0.000} ms (warm-up included)");
            BenchContext.Note($"floor: a stage whose activity makes one bare SELECT 1 round trip to PostgreSQL: median {floor:0.000} ms, ratio {floor / Measure.Median(empty):0.000} to empty");
            context.Ratio(Measure.Median(stage), Measure.Median(empty), "ms");
        }, cancellationToken).ConfigureAwait(false);
    }

    private static Task<List<double>> RunAsync(TemporalClient client, string queue, StageBody body, CancellationToken cancellationToken)
    {
        var runId = $"bench-{Guid.NewGuid():N}";
        return client.ExecuteWorkflowAsync((StageOverheadWorkflow wf) => wf.RunAsync(new StageOverheadWorkflow.Input(runId, StagesPerRun, body, queue)),
            new WorkflowOptions(runId, queue) { Rpc = new RpcOptions { CancellationToken = cancellationToken } });
    }

    private static double Percentile(List<double> sample, double p)
    {
        var sorted = sample.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
    }
}
