using System.Diagnostics;
using Orchestrator.TemporalServer.Hosting;
using Temporalio.Client;
using Temporalio.Worker;

namespace Orchestrator.Benchmarks.Temporal;

/// <summary>
/// One-activity workflows per second through the unmodified SDK (client and worker in this process), and
/// the median activity round trip (from the workflow task that schedules the activity to the one that sees
/// its result). Runs against TEMPORAL_ADDRESS when set, else the embedded server hosted in-process. Temporal's
/// dev server with the .NET SDK reaches about 130 simple workflows/s on a laptop; no baseline runs here.
/// </summary>
public sealed class TemporalThroughputBenchmark : IBenchmark
{
    private const int Concurrency = 32;

    public string Name => "temporal-throughput";

    public string Description => "one-activity workflows/s and median activity round trip (embedded server unless TEMPORAL_ADDRESS)";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var server = Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 }
            ? null
            : await TemporalServerHost.StartAsync(new ServerOptions(), cancellationToken).ConfigureAwait(false);
        var address = server?.Address ?? Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS")!;
        BenchContext.Note($"Temporal at {address}{(server is null ? "" : " (embedded)")}");
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address)).ConfigureAwait(false);
        var queue = $"bench-{Guid.NewGuid():N}";
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue)
        {
            MaxConcurrentWorkflowTasks = 64,
            MaxConcurrentActivities = 64,
        }.AddWorkflow<ThroughputWorkflow>().AddActivity(ThroughputActivities.Echo));

        await worker.ExecuteAsync(async () =>
        {
            // Warm up JIT, connections and caches before measuring.
            await RunManyAsync(client, queue, BenchContext.Scaled(50), cancellationToken).ConfigureAwait(false);

            var count = BenchContext.Scaled(1000);
            var watch = Stopwatch.StartNew();
            var roundTrips = await RunManyAsync(client, queue, count, cancellationToken).ConfigureAwait(false);
            var perSecond = count / watch.Elapsed.TotalSeconds;
            BenchContext.Note($"{count} workflows in {watch.Elapsed.TotalSeconds:0.00} s with {Concurrency} in flight");
            context.Value(perSecond, "workflows/s");

            // Latency without queueing: one workflow at a time.
            var sequential = new List<double>();
            for (var i = 0; i < BenchContext.Scaled(100); i++)
            {
                sequential.AddRange(await RunManyAsync(client, queue, 1, cancellationToken).ConfigureAwait(false));
            }

            context.Value(Measure.Median(sequential), "ms", "activity-round-trip");
            BenchContext.Note($"median round trip under load: {Measure.Median(roundTrips):0.0} ms");
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<double>> RunManyAsync(TemporalClient client, string queue, int count, CancellationToken cancellationToken)
    {
        var next = -1;
        var results = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(Concurrency, count)).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var roundTrip = await client.ExecuteWorkflowAsync((ThroughputWorkflow wf) => wf.RunAsync("ping"),
                    new WorkflowOptions($"bench-{Guid.NewGuid():N}", queue)).ConfigureAwait(false);
                lock (results)
                {
                    results.Add(roundTrip);
                }
            }
        })).ConfigureAwait(false);
        return results;
    }
}
