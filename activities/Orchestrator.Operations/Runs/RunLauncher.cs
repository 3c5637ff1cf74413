using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Operations.Runs;

/// <summary>Everything a governed run starts from.</summary>
/// <param name="RunId">The run id (derived from an idempotency key, so a repeated launch finds the same run).</param>
/// <param name="ModelName">The model the run trains a version of.</param>
/// <param name="Dataset">Where the images come from (re-acquired by the run's acquire stage).</param>
/// <param name="Annotation">Where the labels come from.</param>
/// <param name="Policy">The policy document the run pins.</param>
/// <param name="SourceName">How RunRequested names the source (null: described from <paramref name="Dataset"/>).</param>
/// <param name="Requester">Who asked: a verified user, or a service such as the monitor (who may then not approve the run).</param>
/// <param name="Causation">What caused the run (a request, an idempotency key, a drift detection).</param>
/// <param name="BaseCheckpointDigest">A previous version's checkpoint for transfer learning (retrains).</param>
/// <param name="Queues">Where the run's workflow and stages run.</param>
/// <param name="Contributors">Who else shaped the run (dataset registrant, label submitter, retrain starter); the requester is always added.</param>
/// <param name="BaseModel">A registered base model to fine-tune from, pinned by its weights' digest (recorded as evidence of RunRequested).</param>
public sealed record RunLaunch(
    string RunId, string ModelName, DatasetSource Dataset, AnnotationSource Annotation, PolicyDocument Policy, string? SourceName,
    Actor Requester, string Causation, string? BaseCheckpointDigest, StageQueues Queues, IReadOnlyList<RunContribution>? Contributors = null,
    BaseModelRef? BaseModel = null);

/// <summary>A launched run; <paramref name="Started"/> is false when the run id had started before (a repeated launch).</summary>
public sealed record LaunchedRun(string RunId, string WorkflowId, string PolicyVersion, bool Started);

/// <summary>
/// Starts a governed run, for the API and for the monitor's retrain alike: records RunRequested with the
/// requester first (the ledger knows of every run before Temporal does), then starts the lifecycle workflow
/// under an id derived from the run id, carrying the digest of the policy document resolved here (the worker pins
/// exactly that document). Both steps are idempotent for a run id, so a retried launch neither records nor starts a
/// second run.
/// </summary>
public sealed class RunLauncher(IAuditLedger ledger, ITemporalClient temporal)
{
    /// <summary>Records RunRequested (once per run id) and starts the run's lifecycle workflow (once per run id).</summary>
    public async Task<LaunchedRun> LaunchAsync(RunLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var workflowId = ModelLifecycleWorkflow.WorkflowId(launch.RunId);
        var policyVersion = $"{launch.Policy.Name}/v{launch.Policy.Version}";
        var requested = new RunRequested(launch.RunId, ModelLifecycleWorkflow.Pipeline, launch.ModelName, launch.SourceName ?? Describe(launch.Dataset), policyVersion);
        var context = new AuditContext(launch.Requester, new Correlation(workflowId, launch.RunId), launch.Causation,
            [EvidenceDigest.Of($"policy:{policyVersion}", Digest.Parse(launch.Policy.Digest), null),
                .. launch.BaseModel is { } b ? new[] { EvidenceDigest.Of($"base-model:{b.Name}", Digest.Parse(b.WeightsDigest), null) } : []]);
        await ledger.AppendAsync(AuditStreams.Run(launch.RunId), requested, context, "run-requested", cancellationToken);
        var contributors = Contributors(launch);
        await ledger.AppendAsync(AuditStreams.Run(launch.RunId), new RunContributorsRecorded(contributors), context, "run-contributors", cancellationToken);

        var input = new ModelLifecycleWorkflow.Input(launch.RunId, launch.ModelName, launch.Dataset, launch.Annotation,
            new PolicyRef(launch.Policy.Name, launch.Policy.Version), launch.Requester.Id, launch.BaseCheckpointDigest,
            launch.Queues == StageQueues.Standard ? null : launch.Queues, launch.Policy.Digest,
            contributors.Select(c => new RunContributor(c.Identity, c.Contribution)).ToList(), launch.BaseModel);
        try
        {
            await temporal.StartWorkflowAsync((ModelLifecycleWorkflow wf) => wf.RunAsync(input),
                new WorkflowOptions(workflowId, launch.Queues.Default) { Rpc = new RpcOptions { CancellationToken = cancellationToken } });
            return new LaunchedRun(launch.RunId, workflowId, policyVersion, Started: true);
        }
        catch (WorkflowAlreadyStartedException)
        {
            // The same run id started before (a repeated idempotency key or a retried activity): that run is the answer.
            return new LaunchedRun(launch.RunId, workflowId, policyVersion, Started: false);
        }
    }

    /// <summary>The separation-of-duties set recorded on the run: the requester first, then the launch's others, each identity and contribution once.</summary>
    public static IReadOnlyList<RunContribution> Contributors(RunLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var requester = new RunContribution(launch.Requester.Id, Contributions.Requester, null);
        return new[] { requester }.Concat(launch.Contributors ?? [])
            .DistinctBy(c => (c.Identity.ToLowerInvariant(), c.Contribution))
            .ToList();
    }

    /// <summary>The dataset source as the ledger's RunRequested names it: kind, location and parameters.</summary>
    public static string Describe(DatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Kind + (source.Location is { } l ? ":" + l : "")
            + (source.Parameters.Count == 0 ? "" : "?" + string.Join("&", source.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
    }
}
