using System.Collections.Concurrent;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Workflows.Tests.Lifecycle;

/// <summary>
/// Stand-ins for every stage activity, implementing the real activity contracts (so they run under the real
/// activity names, registered with <see cref="ContractWorkers.AddContractActivities"/>), so the workflow's
/// orchestration is tested without ML or storage. Each records what it was asked in <see cref="Calls"/>, in order.
/// </summary>
public sealed class FakeStageActivities : IPolicyActivities, IRunLedgerActivities, IAcquireActivities, IAnnotateActivities, IQualityControlActivities,
    ITrainActivities, IExportActivities, IEvaluateActivities, IRegistryActivities, IDeployActivities, IHandOverActivities, IGoldAuditActivities, ICanaryDecisionActivities
{
    public const string EvidenceDigest = "sha256:evidence";

    /// <summary>Logged when Train sees its cancellation.</summary>
    public const string TrainCancelledCall = "Train:cancelled";

    /// <summary>This test's own queues: the embedded server is shared across test classes, so queues must not be.</summary>
    public StageQueues Queues { get; } = new($"lifecycle-{Guid.NewGuid():N}", $"lifecycle-gpu-{Guid.NewGuid():N}");

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<IRunLedgerActivities.ApprovalOutcomeInput> ApprovalOutcomes { get; } = new();

    public IRunLedgerActivities.EndedInput? Ended { get; private set; }

    /// <summary>QC verdicts to return, one per call; passes once exhausted.</summary>
    public Queue<bool> QcVerdicts { get; } = new();

    public bool EvaluationPasses { get; set; } = true;

    public bool DeploymentPromotes { get; set; } = true;

    /// <summary>What ConfirmApproval reads back from "the ledger" for each reference.</summary>
    public ConcurrentDictionary<LedgerEntryRef, SignedApproval> Ledger { get; } = new();

    /// <summary>When set, Train fails with this (non-retryable) error.</summary>
    public string? TrainFailure { get; set; }

    /// <summary>When true, Train heartbeats until cancelled.</summary>
    public bool TrainBlocksUntilCancelled { get; set; }

    public TaskCompletionSource TrainStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ApprovalPolicy Approval { get; } = new(2, ["approver"], [], TimeSpan.FromDays(3));

    /// <summary>The stream <see cref="Sign"/> names: "run" unless a test needs the run's own stream ("run-{runId}", which the update validator checks).</summary>
    public string StreamId { get; set; } = "run";

    /// <summary>When set, LoadPolicy waits for it (a cancellation can then arrive while the run is starting).</summary>
    public TaskCompletionSource? PolicyGate { get; set; }

    public TaskCompletionSource PolicyLoading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<PinnedPolicy> LoadPolicyAsync(IPolicyActivities.Input input)
    {
        PolicyLoading.TrySetResult();
        if (PolicyGate is { } gate)
        {
            await gate.Task;
        }

        return await LoadPinnedAsync(input);
    }

    private Task<PinnedPolicy> LoadPinnedAsync(IPolicyActivities.Input input) =>
        Done(new PinnedPolicy(input.Policy.Name, input.Policy.Version ?? 1, "sha256:policy",
            new GovernanceTerms(Approval, new CanaryPolicy(0.1, TimeSpan.FromMinutes(5)), 1, new TrainingSpec("resnet-small", 3, 32, 0.001, 7), Quality: Quality)));

    /// <summary>The policy's "quality" section the run sees (null: none, so no human gold audit).</summary>
    public QcPolicy? Quality { get; set; }

    /// <summary>The QC inputs, in order (a human audit arrives in <see cref="IQualityControlActivities.Input.HumanAudit"/>).</summary>
    public ConcurrentQueue<IQualityControlActivities.Input> QcInputs { get; } = new();

    /// <summary>What ConfirmGoldAudit reads back from "the ledger".</summary>
    public ConcurrentDictionary<LedgerEntryRef, GoldAuditSubmission> Audits { get; } = new();

    public ConcurrentQueue<IGoldAuditActivities.RefusedInput> AuditRefusals { get; } = new();

    public Task<GoldAuditRequest> RequestAsync(IGoldAuditActivities.RequestInput input) =>
        Done(new GoldAuditRequest(input.Labels.LabelSetDigest, ["i1", "i2", "i3"], ["circle", "square"], [.. input.Labels.Annotators], input.Deadline));

    public Task<GoldAuditSubmission> ConfirmAsync(IGoldAuditActivities.ConfirmInput input) =>
        Audits.TryGetValue(input.Entry, out var submission)
            ? Done(submission)
            : throw new ApplicationFailureException($"no ledger entry {input.Entry.StreamId}@{input.Entry.Version}", "NotFound", nonRetryable: true);

    public Task RecordRefusedAsync(IGoldAuditActivities.RefusedInput input)
    {
        AuditRefusals.Enqueue(input);
        return Done(input);
    }

    /// <summary>Puts a reviewer's audit of label set <paramref name="labelSet"/> in the fake ledger and returns its reference.</summary>
    public LedgerEntryRef SubmitAudit(string reviewer, long version, string labelSet = "sha256:labels-0")
    {
        var entry = new LedgerEntryRef(StreamId, version, $"hash-{version}");
        Audits[entry] = new GoldAuditSubmission(entry, reviewer, labelSet, [new GoldAuditLabel("i1", "circle"), new GoldAuditLabel("i2", "square")]);
        return entry;
    }

    public Task RecordStartedAsync(IRunLedgerActivities.StartedInput input) => Done(input);

    public Task RecordEndedAsync(IRunLedgerActivities.EndedInput input)
    {
        Ended = input;
        return Done(input);
    }

    public Task<DatasetVersion> AcquireAsync(IAcquireActivities.Input input) =>
        Done(new DatasetVersion("sha256:manifest", "blob://manifest", 400, ["circle", "square"], 0));

    public Task<LabelSet> AnnotateAsync(IAnnotateActivities.Input input) =>
        Done(new LabelSet($"sha256:labels-{input.Round}", "blob://labels", ["ann-1", "ann-2", "ann-3"], 1200, 4));

    public Task<GateOutcome> EvaluateAsync(IQualityControlActivities.Input input)
    {
        QcInputs.Enqueue(input);
        var passed = QcVerdicts.Count == 0 || QcVerdicts.Dequeue();
        return Done(new GateOutcome(passed, passed ? [] : ["Fleiss' kappa 0.41 is below 0.60"], "sha256:qc", "blob://qc"));
    }

    /// <summary>The input Train was last called with.</summary>
    public ITrainActivities.Input? TrainInput { get; private set; }

    public async Task<TrainedModel> TrainAsync(ITrainActivities.Input input)
    {
        Log(input);
        TrainInput = input;
        TrainStarted.TrySetResult();
        if (TrainFailure is not null)
        {
            throw new ApplicationFailureException(TrainFailure, "InvalidInput", nonRetryable: true);
        }

        try
        {
            while (TrainBlocksUntilCancelled)
            {
                ActivityExecutionContext.Current.Heartbeat();
                await Task.Delay(100, ActivityExecutionContext.Current.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Calls.Enqueue(TrainCancelledCall);
            throw;
        }

        return new TrainedModel("sha256:checkpoint", "blob://checkpoint", "resnet-small", 3, 0.95, "cpu");
    }

    public Task<OnnxModel> ExportAsync(IExportActivities.Input input) => Done(new OnnxModel("sha256:onnx", "blob://onnx", 1e-6));

    public Task<Evaluation> EvaluateAsync(IEvaluateActivities.Input input) => Done(new Evaluation(
        new GateOutcome(EvaluationPasses, EvaluationPasses ? [] : ["accuracy 0.71 is below 0.90"], "sha256:report", "blob://report"), 0.95, 0.94));

    public Task<IRunLedgerActivities.ApprovalRequestRecord> RequestApprovalAsync(IRunLedgerActivities.RequestApprovalInput input) =>
        Done(new IRunLedgerActivities.ApprovalRequestRecord(EvidenceDigest, new LedgerEntryRef("run", 10, "hash-request")));

    public Task<SignedApproval> ConfirmApprovalAsync(IRunLedgerActivities.ConfirmApprovalInput input) =>
        Ledger.TryGetValue(input.Entry, out var signed)
            ? Done(signed)
            : throw new ApplicationFailureException($"no ledger entry {input.Entry.StreamId}@{input.Entry.Version} with hash {input.Entry.EventHash}", "NotFound", nonRetryable: true);

    public Task RecordApprovalOutcomeAsync(IRunLedgerActivities.ApprovalOutcomeInput input)
    {
        ApprovalOutcomes.Enqueue(input);
        return Done(input);
    }

    public Task<ModelVersion> RegisterAsync(IRegistryActivities.Input input) => Done(new ModelVersion(input.ModelName, 3, input.Model.OnnxDigest));

    /// <summary>The deploy inputs, in order.</summary>
    public ConcurrentQueue<IDeployActivities.Input> DeployInputs { get; } = new();

    public Task<DeploymentOutcome> DeployAsync(IDeployActivities.Input input)
    {
        DeployInputs.Enqueue(input);
        return input.NoCanaryComparison is { } accepted && !DeploymentHolds
            ? Done(new DeploymentOutcome(true, $"deployed without a canary comparison, accepted by {string.Join(", ", accepted.AcceptedBy)}: canary 0 requests", null, 0, 0))
            : DeploymentHolds
            ? Done(new DeploymentOutcome(false, "canary held for a person's decision: too little traffic (canary 3 of 20)", null, 3, 0, Held: true))
            : Done(new DeploymentOutcome(DeploymentPromotes, DeploymentPromotes ? "canary healthy" : "error rate 7% above 1%", null));
    }

    /// <summary>When true, Deploy reports the canary held for a person's decision (3 canary requests, no production).</summary>
    public bool DeploymentHolds { get; set; }

    public const string CanaryEvidenceDigest = "sha256:canary-evidence";

    /// <summary>What ConfirmCanaryDecision reads back from "the ledger" for each reference.</summary>
    public ConcurrentDictionary<LedgerEntryRef, SignedCanaryDecision> CanaryLedger { get; } = new();

    /// <summary>How the held canary was resolved, in order.</summary>
    public ConcurrentQueue<ICanaryDecisionActivities.ResolveInput> Resolutions { get; } = new();

    public Task<ICanaryDecisionActivities.RequestRecord> RequestDecisionAsync(ICanaryDecisionActivities.RequestInput input) =>
        Done(new ICanaryDecisionActivities.RequestRecord(CanaryEvidenceDigest, new LedgerEntryRef(StreamId, 20, "hash-canary-request")));

    public Task<SignedCanaryDecision> ConfirmDecisionAsync(ICanaryDecisionActivities.ConfirmInput input) =>
        CanaryLedger.TryGetValue(input.Entry, out var signed)
            ? Done(signed)
            : throw new ApplicationFailureException($"no ledger entry {input.Entry.StreamId}@{input.Entry.Version}", "NotFound", nonRetryable: true);

    public Task<DeploymentOutcome> ResolveAsync(ICanaryDecisionActivities.ResolveInput input)
    {
        Resolutions.Enqueue(input);
        var promoted = input.Decision == CanaryDecisionKind.Promote;
        return Done(new DeploymentOutcome(promoted, $"held canary {(promoted ? "promoted" : "rolled back")} by {input.DecidedBy ?? "the deadline"}: {input.Reason}",
            null, input.CanaryRequests, input.ProductionRequests));
    }

    /// <summary>Puts a signed canary decision in the fake ledger and returns its reference.</summary>
    public LedgerEntryRef SignCanary(string approver, long version, CanaryDecisionKind decision, string evidence = CanaryEvidenceDigest, params string[] roles)
    {
        var entry = new LedgerEntryRef(StreamId, version, $"hash-{version}");
        CanaryLedger[entry] = new SignedCanaryDecision(entry, approver, roles.Length == 0 ? ["approver"] : roles, decision, "traffic is low but errors are zero", evidence, DateTimeOffset.UtcNow);
        return entry;
    }

    /// <summary>What the run handed over to the model's monitor after a promotion.</summary>
    public ConcurrentQueue<IHandOverActivities.Input> HandOvers { get; } = new();

    public Task HandOverToMonitorAsync(IHandOverActivities.Input input)
    {
        HandOvers.Enqueue(input);
        return Done(input);
    }

    /// <summary>Puts a signed approval in the fake ledger and returns its reference.</summary>
    public LedgerEntryRef Sign(string approver, long version, ApprovalDecision decision = ApprovalDecision.Approve, string evidence = EvidenceDigest, params string[] roles)
    {
        var entry = new LedgerEntryRef(StreamId, version, $"hash-{version}");
        Ledger[entry] = new SignedApproval(entry, approver, roles.Length == 0 ? ["approver"] : roles, decision, "reviewed the report", evidence, DateTimeOffset.UtcNow);
        return entry;
    }

    /// <summary>
    /// Puts an approval at <paramref name="version"/> and its NoCanaryComparisonAccepted entry at the next version in the fake ledger and returns
    /// the acceptance's reference (what the API submits for an approval that accepts deploying without a canary comparison).
    /// </summary>
    public LedgerEntryRef SignAcceptingNoCanaryComparison(string approver, long version)
    {
        var approval = new LedgerEntryRef(StreamId, version, $"hash-{version}");
        var acceptance = new LedgerEntryRef(StreamId, version + 1, $"hash-{version + 1}");
        Ledger[acceptance] = new SignedApproval(approval, approver, ["approver"], ApprovalDecision.Approve, "no traffic before launch: accepted", EvidenceDigest,
            DateTimeOffset.UtcNow, acceptance);
        return acceptance;
    }

    private T Log<T>(T value)
    {
        Calls.Enqueue(ActivityExecutionContext.Current.Info.ActivityType);
        return value;
    }

    private Task<T> Done<T>(T value) => Task.FromResult(Log(value));
}
