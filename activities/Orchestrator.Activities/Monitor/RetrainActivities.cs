using System.Security.Cryptography;
using System.Text;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Runs;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Temporalio.Activities;
using Temporalio.Api.Enums.V1;
using Temporalio.Client;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Monitor;

/// <summary>
/// The monitor's retrain: RetrainRequested on the model's stream, then a governed run through the shared
/// <see cref="RunLauncher"/>, requested by the service identity <see cref="Requester"/> (so it needs human
/// approvals like any run, and the monitor can never approve it). Both the run id and the ledger key derive
/// from the monitor, the version and the detection number: a retried activity records one request and starts one run.
/// </summary>
public sealed class RetrainActivities(IAuditLedger ledger, ITemporalClient temporal, PolicyCatalog catalog, WorkerIdentity worker) : IRetrainActivities
{
    /// <summary>The requester of every retrain run.</summary>
    public const string Requester = "monitor";

    /// <summary>The run id of a monitor's retrain: 24 hex characters like the API's run ids.</summary>
    public static string RunId(string monitorWorkflowId, int version, int detection) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"retrain\n{monitorWorkflowId}\nv{version}\n{detection}")))[..24];

    public async Task<IRetrainActivities.RequestOutput> RequestRetrainAsync(IRetrainActivities.RequestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var production = input.Production;
        PolicyDocument policy;
        try
        {
            policy = catalog.ByDigest(production.PolicyDigest);
        }
        catch (KeyNotFoundException e)
        {
            throw new ApplicationFailureException(e.Message, "InvalidInput", nonRetryable: true);
        }

        var cancellation = ActivityExecutionContext.Current.CancellationToken;
        var runId = RunId(input.MonitorWorkflowId, production.Version, input.Detection);
        var service = Actor.Service(Requester, worker.Identity);
        var causation = $"{input.MonitorWorkflowId}/v{production.Version}/detection-{input.Detection}";
        var evidence = production.CheckpointDigest is { } checkpoint ? new[] { StageAudit.Evidence("base-checkpoint", checkpoint, null) } : [];
        await ledger.AppendAsync(AuditStreams.Model(input.Model), new RetrainRequested(production.Version, input.Reason, runId),
            new AuditContext(service, new Correlation(input.MonitorWorkflowId, production.RunId), causation, evidence), $"{causation}/retrain-requested", cancellation);

        var launched = await new RunLauncher(ledger, temporal).LaunchAsync(new RunLaunch(runId, input.Model, production.Dataset, production.Annotation, policy,
            null, service, causation, production.CheckpointDigest, production.Queues ?? StageQueues.Standard,
            await DataContributorsAsync(production.RunId, cancellation)), cancellation);
        return new IRetrainActivities.RequestOutput(launched.RunId, launched.WorkflowId, launched.Started);
    }

    /// <summary>
    /// The retrain trains on the production run's dataset and labels, so whoever registered that dataset or submitted
    /// those labels shaped the retrain too (separation of duties): read from the production run's RunContributorsRecorded.
    /// </summary>
    private async Task<IReadOnlyList<RunContribution>> DataContributorsAsync(string productionRunId, CancellationToken cancellationToken)
    {
        var head = await ledger.ReadStreamAsync(AuditStreams.Run(productionRunId), 1, 5, cancellationToken);
        return head.Select(e => e.Data).OfType<Audit.Events.Runs.RunContributorsRecorded>().SelectMany(r => r.Contributors)
            .Where(c => c.Contribution is Contributions.DatasetRegistrant or Contributions.LabelSubmitter)
            .ToList();
    }

    /// <summary>True while the lifecycle run is open; false once it ended (or Temporal no longer knows it).</summary>
    public async Task<bool> RetrainRunStateAsync(IRetrainActivities.RunStateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            var described = await temporal.GetWorkflowHandle(ModelLifecycleWorkflow.WorkflowId(input.RunId))
                .DescribeAsync(new WorkflowDescribeOptions { Rpc = new RpcOptions { CancellationToken = ActivityExecutionContext.Current.CancellationToken } });
            return described.Status == WorkflowExecutionStatus.Running;
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return false;
        }
    }
}
