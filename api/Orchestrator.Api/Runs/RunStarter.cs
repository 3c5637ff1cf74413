using Microsoft.Extensions.Options;
using Orchestrator.Api.Hosting;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Hosting.Workers;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Runs;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;
using Temporalio.Client;

namespace Orchestrator.Api.Runs;

/// <summary>
/// Starts a run for a verified user through the shared <see cref="RunLauncher"/> (which the monitor's retrain
/// uses too): RunRequested with the requester first, then the lifecycle workflow under an id derived from the run id.
/// </summary>
public sealed class RunStarter(IAuditLedger ledger, ITemporalClient temporal, PolicyCatalog policies, IOptions<TemporalHostingOptions> options, ApiMetrics metrics)
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
    /// <param name="datasetRegistrant">Who registered the named dataset (null for a source given in the request).</param>
    /// <param name="baseModel">The registered base model the request names, resolved to its weights' digest.</param>
    public async Task<Started> StartAsync(
        StartRunRequest request, DatasetSpec dataset, string? sourceName, string user, IReadOnlyList<string> roles, string runId, string causation, CancellationToken cancellationToken,
        string? datasetRegistrant = null, BaseModelRef? baseModel = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataset);
        var policy = policies.Find(new PolicyRef(request.Policy?.Name ?? RequestRules.DefaultPolicy, request.Policy?.Version))
            ?? throw new InvalidOperationException("the validator admitted a policy the catalog does not have");
        var source = new DatasetSource(dataset.Kind, dataset.Location, dataset.Parameters ?? [], dataset.Licence, dataset.Consent, dataset.Retention);
        var annotation = request.Annotation is { } a
            ? new AnnotationSource(a.Kind, a.Location, a.Parameters ?? [])
            : new AnnotationSource("simulated", null, new Dictionary<string, string>());
        var o = options.Value;
        var launch = new RunLaunch(runId, request.ModelName, source, annotation, policy, sourceName, Actor.User(user, roles), causation,
            request.BaseCheckpointDigest, new StageQueues(o.TaskQueue, o.GpuTaskQueue), Contributors(request, user, sourceName, datasetRegistrant), baseModel);
        var launched = await new RunLauncher(ledger, temporal).LaunchAsync(launch, cancellationToken);
        if (launched.Started)
        {
            metrics.RunStarted(request.ModelName);
        }

        return new Started(launched.RunId, launched.WorkflowId, launched.PolicyVersion);
    }

    /// <summary>Who shaped the run besides its requester: the dataset's registrant, the one who named the label file, the one who asked for a retrain.</summary>
    private static List<RunContribution> Contributors(StartRunRequest request, string user, string? sourceName, string? datasetRegistrant)
    {
        var contributors = new List<RunContribution>();
        if (datasetRegistrant is not null)
        {
            contributors.Add(new RunContribution(datasetRegistrant, Contributions.DatasetRegistrant, sourceName));
        }

        if (request.Annotation is { Kind: not "simulated" } labels)
        {
            // Labels come from a file the requester names (there is no separate label upload): they submitted them.
            contributors.Add(new RunContribution(user, Contributions.LabelSubmitter, $"{labels.Kind}:{labels.Location}"));
        }

        if (request.BaseCheckpointDigest is { } checkpoint)
        {
            contributors.Add(new RunContribution(user, Contributions.RetrainStarter, checkpoint));
        }

        return contributors;
    }
}
