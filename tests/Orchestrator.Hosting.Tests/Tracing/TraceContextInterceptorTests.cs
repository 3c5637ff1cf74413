using System.Collections.Concurrent;
using System.Diagnostics;
using Orchestrator.Hosting.Tracing;
using Orchestrator.Testing.Temporal;
using Temporalio.Activities;
using Temporalio.Client;
using Temporalio.Worker;
using Temporalio.Workflows;

namespace Orchestrator.Hosting.Tests.Tracing;

public sealed class TraceContextInterceptorTests : IClassFixture<TemporalEnvironment>, IDisposable
{
    private const string ApiSource = "Orchestrator.Hosting.Tests.Api";
    private static readonly ActivitySource Api = new(ApiSource);
    private readonly TemporalEnvironment _temporal;
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public TraceContextInterceptorTests(TemporalEnvironment temporal)
    {
        _temporal = temporal;
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TraceContextInterceptor.SourceName || s.Name == ApiSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task StartWorkflow_InsideAnApiSpan_ActivitySpanAndAmbientContextCarryTheApiTraceId()
    {
        var queue = "trace-" + Guid.NewGuid().ToString("N");
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(_temporal.Client.Connection.Options.TargetHost!)
        {
            Namespace = _temporal.Client.Options.Namespace,
            Interceptors = [new TraceContextInterceptor()],
        });
        var activities = new TracedActivities();
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue).AddWorkflow<TracedWorkflow>().AddAllActivities(activities));

        ActivityTraceId apiTrace = default;
        string seen = "";
        await worker.ExecuteAsync(
            async () =>
        {
            using (var request = Api.StartActivity("POST /api/runs", ActivityKind.Server)!)
            {
                apiTrace = request.TraceId;
                seen = await client.ExecuteWorkflowAsync((TracedWorkflow wf) => wf.RunAsync(), new WorkflowOptions("trace-" + Guid.NewGuid().ToString("N"), queue));
            }
        }, TestContext.Current.CancellationToken);

        seen.ShouldBe(apiTrace.ToHexString());
        var spans = _spans.Where(s => s.TraceId == apiTrace).ToList();
        spans.ShouldContain(s => s.OperationName == "StartWorkflow:TracedWorkflow" && s.Kind == ActivityKind.Client);
        spans.ShouldContain(s => s.OperationName == "RunActivity:Traced" && s.Kind == ActivityKind.Server);
    }

    [Fact]
    public async Task StartWorkflow_NoAmbientTrace_ActivityRunsWithoutParent()
    {
        var queue = "trace-" + Guid.NewGuid().ToString("N");
        var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(_temporal.Client.Connection.Options.TargetHost!)
        {
            Namespace = _temporal.Client.Options.Namespace,
            Interceptors = [new TraceContextInterceptor()],
        });
        using var worker = new TemporalWorker(client, new TemporalWorkerOptions(queue).AddWorkflow<TracedWorkflow>().AddAllActivities(new TracedActivities()));
        Activity.Current = null;

        var seen = await worker.ExecuteAsync(() => client.ExecuteWorkflowAsync((TracedWorkflow wf) => wf.RunAsync(), new WorkflowOptions("trace-" + Guid.NewGuid().ToString("N"), queue)), TestContext.Current.CancellationToken);

        // The client's own StartWorkflow span becomes the root, so the activity still joins a trace.
        var start = _spans.Where(s => s.OperationName == "StartWorkflow:TracedWorkflow" && s.TraceId.ToHexString() == seen).ShouldHaveSingleItem();
        start.ParentSpanId.ShouldBe(default);
    }

    public void Dispose() => _listener.Dispose();

    [Workflow("TracedWorkflow")]
    public sealed class TracedWorkflow
    {
        private readonly ActivityOptions _options = new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) };

        [WorkflowRun]
        public Task<string> RunAsync() => Workflow.ExecuteActivityAsync((TracedActivities a) => a.Traced(), _options);
    }

    public sealed class TracedActivities
    {
        /// <summary>The trace id the activity body runs in (what Npgsql's spans would join).</summary>
        [Activity("Traced")]
        public string Traced()
        {
            Calls++;
            return Activity.Current?.TraceId.ToHexString() ?? "";
        }

        public int Calls { get; private set; }
    }
}
