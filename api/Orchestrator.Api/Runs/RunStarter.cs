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

    public async Task<Started> StartAsync(StartRunRequest request, string user, IReadOnlyList<string> roles, string runId, string causation, CancellationToken cancellationToken)
    {
        var policy = policies.Find(new PolicyRef(request.Policy?.Name ?? RequestRules.DefaultPolicy, request.Policy?.Version))
            ?? throw new InvalidOperationException("the validator admitted a policy the catalog does not have");
        var workflowId = RunWorkflows.WorkflowId(runId);
        var dataset = new DatasetSource(request.Dataset.Kind, request.Dataset.Location, request.Dataset.Parameters ?? [],
            request.Dataset.Licence, request.Dataset.Consent, request.Dataset.Retention);
        var annotation = request.Annotation is { } a
            ? new AnnotationSource(a.Kind, a.Location, a.Parameters ?? [])
            : new AnnotationSource("simulated", null, new Dictionary<string, string>());
        var policyVersion = $"{policy.Name}/v{policy.Version}";
        var requested = new RunRequested(runId, RunWorkflows.Pipeline, request.ModelName, Describe(dataset), policyVersion);
        var context = new AuditContext(Actor.User(user, roles), new Correlation(workflowId, runId), causation,
            [new EvidenceDigest($"policy:{policyVersion}", policy.Digest["sha256:".Length..], null)]);
        await ledger.AppendAsync(RunWorkflows.Stream(runId), requested, context, "run-requested", cancellationToken);

        var o = options.Value;
        var queues = new StageQueues(o.TaskQueue, o.GpuTaskQueue);
        var input = new ModelLifecycleWorkflow.Input(runId, request.ModelName, dataset, annotation, new PolicyRef(policy.Name, policy.Version), user,
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
