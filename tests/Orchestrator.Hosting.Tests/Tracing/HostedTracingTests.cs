using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Hosting.Tests.Support;
using Orchestrator.Hosting.Tracing;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;

namespace Orchestrator.Hosting.Tests.Tracing;

/// <summary>One trace from the caller through the hosted workers' activities down to PostgreSQL.</summary>
public sealed class HostedTracingTests : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private const string ApiSource = "Orchestrator.Hosting.Tests.HostedApi";
    private static readonly ActivitySource Api = new(ApiSource);
    private readonly TemporalEnvironment _temporal;
    private readonly PostgresDatabase _database;
    private readonly BlobContainer _blob;
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public HostedTracingTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    {
        (_temporal, _database, _blob) = (temporal, database, blob);
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is TraceContextInterceptor.SourceName or "Npgsql" || s.Name == ApiSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task StartRun_InsideAnApiSpan_LedgerActivityAndItsSqlJoinTheApiTrace()
    {
        await using var host = await OrchestratorTestHost.StartAsync(_temporal, _database, _blob);
        var client = host.Services.GetRequiredService<ITemporalClient>();
        var input = Runs.Input(Guid.NewGuid().ToString("N"), host.Queues);

        WorkflowHandle<ModelLifecycleWorkflow, ModelLifecycleWorkflow.Result> handle;
        ActivityTraceId trace;
        using (var request = Api.StartActivity("POST /api/runs", ActivityKind.Server)!)
        {
            trace = request.TraceId;
            handle = await Runs.StartAsync(client, input);
        }

        await Runs.UntilAsync(handle, s => Runs.Completed(s, Stages.Acquire));
        await handle.CancelAsync();

        var spans = _spans.Where(s => s.TraceId == trace).ToList();
        var ledger = spans.Where(s => s.OperationName == "RunActivity:" + IRunLedgerActivities.RecordStartedName).ShouldHaveSingleItem();
        spans.ShouldContain(s => s.OperationName == "RunActivity:Acquire");
        // The run-started fact was appended inside the activity's span: its SQL is a descendant of it.
        spans.Where(s => s.Source.Name == "Npgsql").ShouldContain(s => IsUnder(s, ledger));
    }

    public void Dispose() => _listener.Dispose();

    private static bool IsUnder(Activity span, Activity ancestor)
    {
        for (var parent = span.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
