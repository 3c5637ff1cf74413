using Microsoft.Extensions.Options;
using Orchestrator.Activities.Policies;
using Orchestrator.Api.Backends;
using Orchestrator.Api.Hosting;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Api.Runs;

/// <summary>
/// Starts a run: records RunRequested with the verified requester first (the ledger knows of every run
/// before Temporal does), then starts the lifecycle workflow under an id derived from the run id.
/// </summary>
public sealed class RunStarter(IAuditLedger ledger, ITemporalClient temporal, PolicyCatalog policies, IOptions<TemporalOptions> options, ApiMetrics metrics)
{
    /// <summary>The run id and workflow id of a started (or, on a repeated idempotency key, already started) run.</summary>
    public sealed record Started(string RunId, string WorkflowId, string PolicyVersion);

    /// <param name="request">The validated request.</param>
    /// <param name="dataset">The dataset source (from the request, or the registered dataset it names).</param>
    /// <param name="sourceName">How RunRequested names the source.</param>
    /// <param name="user">The verified requester.</param>
    /// <param name="roles">The requester's verified roles.</param>
    /// <param name="runId">The run id (derived from an idempotency key, or fresh).</param>
    /// <param name="causation">The request that caused the run.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task<Started> StartAsync(
        StartRunRequest request, DatasetSpec dataset, string? sourceName, string user, IReadOnlyList<string> roles, string runId, string causation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataset);
        var policy = policies.Find(new PolicyRef(request.Policy?.Name ?? RequestRules.DefaultPolicy, request.Policy?.Version))
            ?? throw new InvalidOperationException("the validator admitted a policy the catalog does not have");
        var workflowId = RunWorkflows.WorkflowId(runId);
        var source = new DatasetSource(dataset.Kind, dataset.Location, dataset.Parameters ?? [], dataset.Licence, dataset.Consent, dataset.Retention);
        var annotation = request.Annotation is { } a
            ? new AnnotationSource(a.Kind, a.Location, a.Parameters ?? [])
            : new AnnotationSource("simulated", null, new Dictionary<string, string>());
        var policyVersion = $"{policy.Name}/v{policy.Version}";
        var requested = new RunRequested(runId, RunWorkflows.Pipeline, request.ModelName, sourceName ?? Describe(source), policyVersion);
        var context = new AuditContext(Actor.User(user, roles), new Correlation(workflowId, runId), causation,
            [new EvidenceDigest($"policy:{policyVersion}", policy.Digest["sha256:".Length..], null)]);
        await ledger.AppendAsync(RunWorkflows.Stream(runId), requested, context, "run-requested", cancellationToken);

        var o = options.Value;
        var queues = new StageQueues(o.TaskQueue, o.GpuTaskQueue);
        var input = new ModelLifecycleWorkflow.Input(runId, request.ModelName, source, annotation, new PolicyRef(policy.Name, policy.Version), user,
            request.BaseCheckpointDigest, queues == StageQueues.Standard ? null : queues);
        try
        {
            await temporal.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input),
                new WorkflowOptions(workflowId, o.TaskQueue) { Rpc = new RpcOptions { CancellationToken = cancellationToken } });
            metrics.RunStarted(request.ModelName);
        }
        catch (WorkflowAlreadyStartedException)
        {
            // The same run id started before (a repeated idempotency key): that run is the answer.
        }

        return new Started(runId, workflowId, policyVersion);
    }

    /// <summary>The dataset source as the ledger's RunRequested names it: kind, location and parameters.</summary>
    private static string Describe(DatasetSource source) =>
        source.Kind + (source.Location is { } l ? ":" + l : "")
        + (source.Parameters.Count == 0 ? "" : "?" + string.Join("&", source.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
}
