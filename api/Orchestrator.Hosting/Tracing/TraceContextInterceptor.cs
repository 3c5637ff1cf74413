using System.Diagnostics;
using Temporalio.Client.Interceptors;
using Temporalio.Worker.Interceptors;

namespace Orchestrator.Hosting.Tracing;

/// <summary>
/// Carries W3C trace context through Temporal headers so one trace spans API → workflow → activities →
/// Npgsql (Temporalio.Extensions.OpenTelemetry is not available here). The client puts the caller's
/// context on workflow starts and signals; the workflow hands its start context on to every activity and
/// child it schedules (copying a header is deterministic, so replay is unaffected); the activity continues
/// the trace in a span of its own, which the Npgsql and HTTP instrumentation inside it then parent to.
/// Workflows get no spans of their own: a span started during replay would be a duplicate.
/// Register on the client; the SDK applies a client interceptor that is also a worker interceptor to that
/// client's workers.
/// </summary>
public sealed class TraceContextInterceptor : IClientInterceptor, IWorkerInterceptor
{
    /// <summary>The ActivitySource of the spans this interceptor starts; add it to the tracer provider.</summary>
    public const string SourceName = "Orchestrator.Temporal";

    internal static readonly ActivitySource Source = new(SourceName);

    public ClientOutboundInterceptor InterceptClient(ClientOutboundInterceptor nextInterceptor) => new ClientOutbound(nextInterceptor);

    public WorkflowInboundInterceptor InterceptWorkflow(WorkflowInboundInterceptor nextInterceptor) => new WorkflowInbound(nextInterceptor);

    public ActivityInboundInterceptor InterceptActivity(ActivityInboundInterceptor nextInterceptor) => new ActivityInbound(nextInterceptor);

    private sealed class ClientOutbound(ClientOutboundInterceptor next) : ClientOutboundInterceptor(next)
    {
        public override async Task<Temporalio.Client.WorkflowHandle<TWorkflow, TResult>> StartWorkflowAsync<TWorkflow, TResult>(StartWorkflowInput input)
        {
            using var span = Source.StartActivity($"StartWorkflow:{input.Workflow}", ActivityKind.Client);
            span?.SetTag("temporal.workflow.id", input.Options.Id);
            return await base.StartWorkflowAsync<TWorkflow, TResult>(input with { Headers = TraceHeaders.Inject(input.Headers, Activity.Current) }).ConfigureAwait(false);
        }

        public override async Task SignalWorkflowAsync(SignalWorkflowInput input)
        {
            using var span = Source.StartActivity($"SignalWorkflow:{input.Signal}", ActivityKind.Client);
            span?.SetTag("temporal.workflow.id", input.Id);
            await base.SignalWorkflowAsync(input with { Headers = TraceHeaders.Inject(input.Headers, Activity.Current) }).ConfigureAwait(false);
        }
    }

    private sealed class WorkflowInbound(WorkflowInboundInterceptor next) : WorkflowInboundInterceptor(next)
    {
        public override void Init(WorkflowOutboundInterceptor outbound) => base.Init(new WorkflowOutbound(outbound));
    }

    private sealed class WorkflowOutbound(WorkflowOutboundInterceptor next) : WorkflowOutboundInterceptor(next)
    {
        public override Task<TResult> ScheduleActivityAsync<TResult>(ScheduleActivityInput input) =>
            base.ScheduleActivityAsync<TResult>(input with { Headers = TraceHeaders.Forward(input.Headers) });

        public override Task<TResult> ScheduleLocalActivityAsync<TResult>(ScheduleLocalActivityInput input) =>
            base.ScheduleLocalActivityAsync<TResult>(input with { Headers = TraceHeaders.Forward(input.Headers) });

        public override Task<Temporalio.Workflows.ChildWorkflowHandle<TWorkflow, TResult>> StartChildWorkflowAsync<TWorkflow, TResult>(StartChildWorkflowInput input) =>
            base.StartChildWorkflowAsync<TWorkflow, TResult>(input with { Headers = TraceHeaders.Forward(input.Headers) });
    }

    private sealed class ActivityInbound(ActivityInboundInterceptor next) : ActivityInboundInterceptor(next)
    {
        public override async Task<object?> ExecuteActivityAsync(ExecuteActivityInput input)
        {
            var parent = TraceHeaders.Extract(input.Headers);
            var name = $"RunActivity:{input.Activity.Name}";
            // Without a listener for this source no span is sampled, but the context must still reach
            // Npgsql and HTTP instrumentation, so an unrecorded activity carries it.
            using var span = (parent is { } context ? Source.StartActivity(name, ActivityKind.Server, context) : Source.StartActivity(name, ActivityKind.Server))
                ?? (parent is { } p ? new Activity(name).SetParentId(p.TraceId, p.SpanId, p.TraceFlags).Start() : null);
            try
            {
                return await base.ExecuteActivityAsync(input).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                span?.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }
}
