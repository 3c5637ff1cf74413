using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;
using Orchestrator.Workflows.Train;
using Temporalio.Exceptions;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// One governed pipeline run: acquire → annotate → QC gate → train → export → evaluation gate →
/// human approval → register → canary deploy. Gates and approval rules are pure functions; every
/// fact is recorded in the audit ledger by activities. A failed gate ends the run with its reasons
/// (QC may loop back to re-annotation as often as the policy allows).
/// </summary>
[Workflow]
public sealed partial class ModelLifecycleWorkflow
{
    private readonly List<StageRecord> _stages = [];
    private string _stage = Stages.Starting;
    private Input? _input;

    /// <summary>The run's single input.</summary>
    /// <param name="RunId">The pipeline run id (the workflow id is derived from it by the API).</param>
    /// <param name="ModelName">The model this run trains a version of.</param>
    /// <param name="Dataset">Where the images come from.</param>
    /// <param name="Annotation">Where the labels come from.</param>
    /// <param name="Policy">The governance policy to pin.</param>
    /// <param name="Requester">The verified identity that requested the run (may not approve it).</param>
    /// <param name="BaseCheckpointDigest">A previous version's checkpoint for transfer learning (retrains).</param>
    /// <param name="Queues">Where the stages run; null for <see cref="StageQueues.Standard"/>.</param>
    public sealed record Input(
        string RunId, string ModelName, DatasetSource Dataset, AnnotationSource Annotation, PolicyRef Policy, string Requester,
        string? BaseCheckpointDigest = null, StageQueues? Queues = null);

    /// <summary>How the run ended.</summary>
    public sealed record Result(RunOutcome Outcome, string Stage, string Reason, ModelVersion? Model);

    [WorkflowRun]
    public async Task<Result> RunAsync(Input input)
    {
        _input = input;
        var policy = await Bookkeep<PinnedPolicy>(PolicyActivity.Name, new PolicyActivity.Input(input.RunId, input.Policy));
        await Bookkeep(RunLedgerActivities.RecordStartedName, new RunLedgerActivities.StartedInput(input.RunId, policy.Name, policy.Version, policy.Digest));
        try
        {
            var dataset = await StageAsync<DatasetVersion>(Stages.Acquire, AcquireActivity.Name, new AcquireActivity.Input(input.RunId, input.Dataset, policy.Digest));
            var labels = await AnnotateUntilQualityAsync(input, dataset, policy);
            if (labels is null)
            {
                return await EndAsync(RunOutcome.Failed, Stages.QualityControl, _qcFailure, null);
            }

            var trained = await StageAsync<TrainedModel>(Stages.Train, TrainActivity.Name,
                new TrainActivity.Input(input.RunId, dataset, labels, policy.Terms.Training, input.BaseCheckpointDigest));
            var onnx = await StageAsync<OnnxModel>(Stages.Export, TrainActivity.ExportName, new TrainActivity.ExportInput(input.RunId, trained, input.ModelName, dataset.ManifestDigest, policy.Digest));
            var evaluation = await StageAsync<Evaluation>(Stages.Evaluate, EvaluateActivity.Name,
                new EvaluateActivity.Input(input.RunId, input.ModelName, dataset, labels, onnx, trained, policy.Digest));
            if (!evaluation.Gate.Passed)
            {
                return await EndAsync(RunOutcome.Failed, Stages.Evaluate, "evaluation gate failed: " + string.Join("; ", evaluation.Gate.Reasons), null);
            }

            // The candidate version is registered before approval, so approvers sign off on a named
            // version; only the alias change at deployment needs their approval.
            var version = await StageAsync<ModelVersion>(Stages.Register, DeployActivities.RegisterName,
                new DeployActivities.RegisterInput(input.RunId, input.ModelName, dataset, onnx, evaluation));
            var evidence = new Dictionary<string, string>
            {
                ["dataset-manifest"] = dataset.ManifestDigest,
                ["label-set"] = labels.LabelSetDigest,
                ["onnx-model"] = onnx.OnnxDigest,
                ["evaluation-report"] = evaluation.Gate.EvidenceDigest,
                ["policy"] = policy.Digest,
            };
            var approvals = await AwaitApprovalAsync(input, policy, version, evidence);
            if (approvals is null)
            {
                return await EndAsync(RunOutcome.Failed, Stages.Approval, _approvalFailure, version);
            }

            var deployment = await StageAsync<DeploymentOutcome>(Stages.Deploy, DeployActivities.DeployName,
                new DeployActivities.DeployInput(input.RunId, version, policy.Terms.Canary, approvals), policy.Terms.Canary.Window);
            if (!deployment.Promoted)
            {
                return await EndAsync(RunOutcome.Failed, Stages.Deploy, "canary rolled back: " + deployment.Reason, version);
            }

            if (Workflow.Patched(Patches.MonitorHandover))
            {
                await HandOverToMonitorAsync(input, policy, version, trained, deployment);
            }

            return await EndAsync(RunOutcome.Completed, Stages.Completed, deployment.Reason, version);
        }
        catch (Exception e) when (TemporalException.IsCanceledException(e))
        {
            // Record with a token the cancellation does not reach, then let the run end as cancelled.
            await RecordEndedDetachedAsync(RunOutcome.Cancelled, "cancelled: " + e.Message);
            throw;
        }
        catch (ActivityFailureException e)
        {
            await EndAsync(RunOutcome.Failed, _stage, $"{_stage} failed: {e.InnerException?.Message ?? e.Message}", null);
            throw new ApplicationFailureException($"Run {input.RunId} failed in stage {_stage}: {e.InnerException?.Message ?? e.Message}", e, "StageFailed", nonRetryable: true);
        }
    }

    /// <summary>Where the run is, which stages it went through, and any open approval request.</summary>
    [WorkflowQuery]
    public RunStatus Status() => new(_input?.RunId ?? "", _stage, _stages.ToList(), _pendingApproval);

    private string _qcFailure = "";

    private async Task<LabelSet?> AnnotateUntilQualityAsync(Input input, DatasetVersion dataset, PinnedPolicy policy)
    {
        for (var round = 0; ; round++)
        {
            var labels = await StageAsync<LabelSet>(Stages.Annotate, AnnotateActivity.Name, new AnnotateActivity.Input(input.RunId, dataset, input.Annotation, round));
            var gate = await StageAsync<GateOutcome>(Stages.QualityControl, QualityControlActivity.Name,
                new QualityControlActivity.Input(input.RunId, dataset, labels, policy.Digest));
            if (gate.Passed)
            {
                return labels;
            }

            if (round >= policy.Terms.MaxAnnotationRounds)
            {
                _qcFailure = "QC gate failed: " + string.Join("; ", gate.Reasons);
                return null;
            }
        }
    }
}
