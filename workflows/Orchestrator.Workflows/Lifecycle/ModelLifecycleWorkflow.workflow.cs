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

    /// <summary>The pipeline every run of this service follows (RunRequested names it).</summary>
    public const string Pipeline = "image-classification";

    /// <summary>The workflow id of run <paramref name="runId"/>: derived, so a retried start finds the same workflow (the run's ledger stream is <c>run-{runId}</c>).</summary>
    public static string WorkflowId(string runId) => $"model-lifecycle-{runId}";

    /// <summary>The run's single input.</summary>
    /// <param name="RunId">The pipeline run id (the workflow id is <see cref="WorkflowId"/> of it).</param>
    /// <param name="ModelName">The model this run trains a version of.</param>
    /// <param name="Dataset">Where the images come from.</param>
    /// <param name="Annotation">Where the labels come from.</param>
    /// <param name="Policy">The governance policy to pin.</param>
    /// <param name="Requester">The verified identity that requested the run (may not approve it).</param>
    /// <param name="BaseCheckpointDigest">A previous version's checkpoint for transfer learning (retrains).</param>
    /// <param name="Queues">Where the stages run; null for <see cref="StageQueues.Standard"/>.</param>
    /// <param name="PolicyDigest">The policy document the run was started with (the API resolved <paramref name="Policy"/> to it); the
    /// worker pins that document and refuses the run when it is not the named policy. Null in runs started before it was carried.</param>
    /// <param name="Contributors">Everyone who shaped the run as recorded in its RunContributorsRecorded entry (none of them may approve
    /// it); null in runs started before it was carried (then only the requester is excluded).</param>
    /// <param name="BaseModel">A registered base model to fine-tune from (pretrained weights, pinned by digest); null for none.</param>
    public sealed record Input(
        string RunId, string ModelName, DatasetSource Dataset, AnnotationSource Annotation, PolicyRef Policy, string Requester,
        string? BaseCheckpointDigest = null, StageQueues? Queues = null, string? PolicyDigest = null, IReadOnlyList<RunContributor>? Contributors = null,
        BaseModelRef? BaseModel = null);

    /// <summary>How the run ended.</summary>
    public sealed record Result(RunOutcome Outcome, string Stage, string Reason, ModelVersion? Model);

    [WorkflowRun]
    public async Task<Result> RunAsync(Input input)
    {
        _input = input;
        var policy = await StartAsync(input);
        try
        {
            var acquire = new IAcquireActivities.Input(input.RunId, input.Dataset, policy.Digest);
            var dataset = await StageAsync(Stages.Acquire, (IAcquireActivities a) => a.AcquireAsync(acquire));
            var labels = await AnnotateUntilQualityAsync(input, dataset, policy);
            if (labels is null)
            {
                return await EndAsync(RunOutcome.Failed, Stages.QualityControl, _qcFailure, null);
            }

            // An added optional field of the activity's input, not a new command: old histories replay unchanged.
            var train = new ITrainActivities.Input(input.RunId, dataset, labels, policy.Terms.Training, input.BaseCheckpointDigest, BaseModel: input.BaseModel);
            var trained = await StageAsync(Stages.Train, (ITrainActivities a) => a.TrainAsync(train), trainHeartbeat: train.Spec.HeartbeatTimeout);
            var export = new IExportActivities.Input(input.RunId, trained, input.ModelName, dataset.ManifestDigest, policy.Digest);
            var onnx = await StageAsync(Stages.Export, (IExportActivities a) => a.ExportAsync(export));
            var evaluate = new IEvaluateActivities.Input(input.RunId, input.ModelName, dataset, labels, onnx, trained, policy.Digest);
            var evaluation = await StageAsync(Stages.Evaluate, (IEvaluateActivities a) => a.EvaluateAsync(evaluate));
            if (!evaluation.Gate.Passed)
            {
                return await EndAsync(RunOutcome.Failed, Stages.Evaluate, "evaluation gate failed: " + string.Join("; ", evaluation.Gate.Reasons), null);
            }

            // The candidate version is registered before approval, so approvers sign off on a named
            // version; only the alias change at deployment needs their approval.
            var register = new IRegistryActivities.Input(input.RunId, input.ModelName, dataset, onnx, evaluation);
            var version = await StageAsync(Stages.Register, (IRegistryActivities a) => a.RegisterAsync(register));
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

            // Only approvals confirmed with an acceptance entry (ADR 0044) reach the patch, so older histories never record its marker.
            var noComparison = NoCanaryComparison.AcceptedBy(_approving) is { } acceptance && Workflow.Patched(Patches.AcceptNoCanaryComparison) ? acceptance : null;
            var deploy = new IDeployActivities.Input(input.RunId, version, policy.Terms.Canary, approvals, policy.Terms.Waivers, noComparison);
            // The activity may extend a canary short of traffic by the policy's MaxExtension: its timeout covers that too
            // (timeouts are not part of the replayed commands).
            var deployment = await StageAsync(Stages.Deploy, (IDeployActivities a) => a.DeployAsync(deploy),
                canaryWindow: policy.Terms.Canary.Window + (policy.Terms.Canary.MaxExtension ?? TimeSpan.Zero));
            if (deployment.Held && Workflow.Patched(Patches.CanaryHoldDecision))
            {
                deployment = await AwaitCanaryDecisionAsync(input, policy, version, deployment);
            }

            if (!deployment.Promoted)
            {
                // Only activities of this version report Held, so older histories never take this branch.
                return await EndAsync(RunOutcome.Failed, Stages.Deploy, (deployment.Held ? "" : "canary rolled back: ") + deployment.Reason, version);
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

    /// <summary>
    /// Pins the policy and records the start. A cancellation that arrives here (right after POST /api/runs) must still
    /// end with RunCancelled in the ledger: before patch <see cref="Patches.CancelledWhileStarting"/> it escaped the
    /// run's try/catch and the ledger kept the run "requested" or "running" forever.
    /// </summary>
    private async Task<PinnedPolicy> StartAsync(Input input)
    {
        try
        {
            var pin = new IPolicyActivities.Input(input.RunId, input.Policy, input.PolicyDigest);
            var policy = await Bookkeep((IPolicyActivities a) => a.LoadPolicyAsync(pin));
            var started = new IRunLedgerActivities.StartedInput(input.RunId, policy.Name, policy.Version, policy.Digest);
            await Bookkeep((IRunLedgerActivities a) => a.RecordStartedAsync(started));
            return policy;
        }
        catch (Exception e) when (TemporalException.IsCanceledException(e))
        {
            if (Workflow.Patched(Patches.CancelledWhileStarting))
            {
                await RecordEndedDetachedAsync(RunOutcome.Cancelled, "cancelled while starting: " + e.Message);
            }

            throw;
        }
    }

    /// <summary>Where the run is, which stages it went through, and any open approval request.</summary>
    [WorkflowQuery]
    public RunStatus Status() => new(_input?.RunId ?? "", _stage, _stages.ToList(), _pendingApproval, _pendingGoldAudit, _pendingCanaryDecision);

    private string _qcFailure = "";

    private async Task<LabelSet?> AnnotateUntilQualityAsync(Input input, DatasetVersion dataset, PinnedPolicy policy)
    {
        for (var round = 0; ; round++)
        {
            var annotate = new IAnnotateActivities.Input(input.RunId, dataset, input.Annotation, round);
            var labels = await StageAsync(Stages.Annotate, (IAnnotateActivities a) => a.AnnotateAsync(annotate));
            // Only policies with "quality.goldAudit": "human" take this path, and no run pinned one before the patch.
            GoldAuditSubmission? human = null;
            if (policy.Terms.Quality is { GoldAudit: GoldAuditMode.Human } quality && Workflow.Patched(Patches.HumanGoldAudit))
            {
                human = await AwaitGoldAuditAsync(input, dataset, labels, quality.GoldAuditDeadline ?? DefaultGoldAuditDeadline);
            }

            var check = new IQualityControlActivities.Input(input.RunId, dataset, labels, policy.Digest, human);
            var gate = await StageAsync(Stages.QualityControl, (IQualityControlActivities a) => a.EvaluateAsync(check));
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
