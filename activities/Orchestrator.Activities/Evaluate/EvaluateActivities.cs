using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Activities.Train;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Monitoring;
using Orchestrator.Ml.Training;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Serving;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Evaluate;

/// <summary>
/// The evaluation gate's stage: runs the exported ONNX model (verified by digest) over the test split,
/// measures everything the evidence report holds, compares with the production champion when there is
/// one, stores the report, applies the pure <see cref="EvaluationGate"/> with the pinned policy and
/// records ModelEvaluated once on the model's stream. On the CUDA build the model runs on ONNX Runtime's CUDA
/// provider where it loads, else on the CPU provider; the log and the model card say which, and why a CUDA
/// provider was not used.
/// </summary>
public sealed class EvaluateActivities(BlobArtifactStore store, StageAudit audit, PolicyCatalog catalog, IOptions<GpuOptions>? gpu = null) : IEvaluateActivities
{
    private readonly bool preferCuda = OnnxExecution.PreferCuda(gpu?.Value ?? new GpuOptions());
    private const int BatchSize = 32;

    public async Task<Evaluation> EvaluateAsync(IEvaluateActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = ActivityExecutionContext.Current;
        var cancellationToken = context.CancellationToken;
        PolicyDocument policy;
        try
        {
            policy = catalog.ByDigest(input.PolicyDigest);
        }
        catch (KeyNotFoundException e)
        {
            throw InvalidInput($"Unknown policy: {e.Message}", e);
        }

        var evaluationPolicy = catalog.Section<EvaluationPolicy>(policy.Digest, "evaluation") ?? new EvaluationPolicy();
        var model = await ModelState.LoadAsync(audit.Ledger, input.ModelName, cancellationToken).ConfigureAwait(false);
        var version = model.Exported(input.RunId, input.Model.OnnxDigest)
            ?? throw InvalidInput($"ONNX model {input.Model.OnnxDigest} of run {input.RunId} is not an exported version of model '{input.ModelName}' (ExportOnnx records it).");
        var data = await TrainingData.LoadAsync(store, input.Dataset, input.Labels, cancellationToken, only: DataSplit.Test).ConfigureAwait(false);
        if (data.Test.Count == 0)
        {
            throw InvalidInput($"Dataset {input.Dataset.ManifestDigest} has no labelled test images.");
        }

        var history = TrainingCheckpoint.Load(await store.GetAsync(input.Trained.CheckpointDigest, cancellationToken).ConfigureAwait(false)).History;
        context.Heartbeat("loaded");

        using var evaluator = new OnnxEvaluator(await store.GetAsync(input.Model.OnnxDigest, cancellationToken).ConfigureAwait(false), preferCuda: preferCuda);
        ProviderLog.Loaded(context.Logger, input.Model.OnnxDigest, evaluator.Provider);
        if (evaluator.ClassNames is { } names ? !names.SequenceEqual(data.Classes) : evaluator.ClassCount != data.Classes.Count)
        {
            throw InvalidInput($"The model's classes ({string.Join(", ", evaluator.ClassNames ?? [])}) are not the dataset's ({string.Join(", ", data.Classes)}).");
        }

        if (evaluator.Task != data.Task)
        {
            throw InvalidInput($"The model answers {Describe(evaluator.Task)} and the dataset is {Describe(data.Task)}: it cannot be evaluated on it.");
        }

        if (data.Task == TaskKind.MultiLabel)
        {
            return await EvaluateMultiLabelAsync(input, context, policy, evaluationPolicy, model, version.Version, data, history, evaluator, cancellationToken).ConfigureAwait(false);
        }

        var predictions = evaluator.Evaluate(data.Test, BatchSize, cancellationToken: cancellationToken);
        var metrics = ClassificationMetrics.Compute(predictions);
        context.Heartbeat("evaluated");
        // The drift monitor's reference for this version: what the model saw and answered on the held-out split
        // (none when no output was finite: such a version fails its gate and is never served).
        var reference = predictions.NonFiniteCount == predictions.Count ? null : await store.PutAsync(
            TrainingReferenceBuilder.FromEvaluation(data.Test, predictions, data.Classes).ToJson(), TrainingReference.MediaType, cancellationToken).ConfigureAwait(false);
        var robustness = RobustnessCheck.Run(evaluator, data.Test, metrics.Accuracy, batchSize: BatchSize, cancellationToken: cancellationToken);
        context.Heartbeat("robustness");
        var champion = await ChampionAsync(model, version.Version, data, predictions, cancellationToken).ConfigureAwait(false);
        context.Heartbeat("champion");

        var report = new EvidenceReport(input.ModelName, $"v{version.Version}", input.Model.OnnxDigest, input.Dataset.ManifestDigest, data.Classes,
            metrics, SliceReport.Compute(predictions), robustness, champion?.Result, champion is null ? null : $"v{champion.Value.Version}",
            input.Model.ParityMaxAbsError, history, Card(input, data, evaluator.Provider) with
            {
                Training = await TrainingEvidenceAsync(input.RunId, cancellationToken).ConfigureAwait(false),
                LabelAudit = await LabelAuditAsync(input.RunId, input.Labels.LabelSetDigest, cancellationToken).ConfigureAwait(false),
            });
        var gate = await JudgeAndRecordAsync(input, policy, evaluationPolicy, version.Version, report, champion?.Version, reference, cancellationToken).ConfigureAwait(false);
        return new Evaluation(gate, metrics.Accuracy, metrics.MacroF1);
    }

    /// <summary>
    /// A multi-label model: sigmoid probabilities on the test split, figures at the thresholds recorded in the ONNX file (chosen on the
    /// validation split when it was trained), and the gate on them. Accuracy, calibration, slices, robustness and the McNemar comparison are
    /// single-label measurements: the report says they were not measured and the gate's checks on them are not measured (ADR 0042).
    /// </summary>
    private async Task<Evaluation> EvaluateMultiLabelAsync(IEvaluateActivities.Input input, ActivityExecutionContext context, PolicyDocument policy,
        EvaluationPolicy evaluationPolicy, ModelState model, int version, TrainingData data, IReadOnlyList<EpochMetrics> history, OnnxEvaluator evaluator,
        CancellationToken cancellationToken)
    {
        var thresholds = evaluator.Thresholds ?? throw InvalidInput("The multi-label model's ONNX file carries no decision thresholds.");
        var predictions = evaluator.EvaluateMultiLabel(data.Test, BatchSize, cancellationToken);
        var metrics = MultiLabelMetrics.Compute(predictions, [.. thresholds.Select(t => t.Threshold)]);
        context.Heartbeat("evaluated");
        // A production version exists but is not compared: the gate's champion checks, where the policy sets them, are not measured.
        var production = model.ProductionRecord is { } p && p.Version != version ? p.Version : (int?)null;
        var report = new EvidenceReport(input.ModelName, $"v{version}", input.Model.OnnxDigest, input.Dataset.ManifestDigest, data.Classes,
            null, new SliceReport([], null, double.NaN), [], null, production is { } v ? $"v{v}" : null,
            input.Model.ParityMaxAbsError, history, Card(input, data, evaluator.Provider) with
            {
                Training = await TrainingEvidenceAsync(input.RunId, cancellationToken).ConfigureAwait(false),
                LabelAudit = await LabelAuditAsync(input.RunId, input.Labels.LabelSetDigest, cancellationToken).ConfigureAwait(false),
            },
            MultiLabel: new MultiLabelEvidence(metrics, thresholds));
        var gate = await JudgeAndRecordAsync(input, policy, evaluationPolicy, version, report, production, null, cancellationToken).ConfigureAwait(false);
        return new Evaluation(gate, metrics.SubsetAccuracy, metrics.MacroF1, double.IsFinite(metrics.MeanAveragePrecision) ? metrics.MeanAveragePrecision : null);
    }

    /// <summary>Applies the gate to the report, stores the report with every check's outcome and records ModelEvaluated once.</summary>
    private async Task<GateOutcome> JudgeAndRecordAsync(IEvaluateActivities.Input input, PolicyDocument policy, EvaluationPolicy evaluationPolicy, int version,
        EvidenceReport report, int? championVersion, ArtifactRef? reference, CancellationToken cancellationToken)
    {
        var verdict = EvaluationGate.Evaluate(EvaluationFacts.Evidence(report, championVersion), evaluationPolicy, PolicyCatalog.Terms(policy).Waivers);
        // The report shows every check's outcome and the policy's waivers, so approvers see what was not measured.
        report = report with { Gate = [.. verdict.Findings.Select(EvaluationFacts.Line)] };
        var (bundle, index) = await EvidenceBundle.StoreAsync(store, input.ModelName, version, input.Model.OnnxDigest, report.Render(), cancellationToken)
            .ConfigureAwait(false);

        var policyVersion = $"{policy.Name}/v{policy.Version}";
        await audit.RecordModelAsync(input.ModelName, input.RunId, EvaluationFacts.Event(version, report, championVersion, verdict, policyVersion), "model-evaluated",
            [
                StageAudit.Evidence("evaluation-evidence", index.Digest, index.Uri),
                .. bundle.Files.Select(f => StageAudit.Evidence(f.Key, f.Value.Digest, f.Value.Uri)),
                StageAudit.Evidence("onnx-model", input.Model.OnnxDigest, input.Model.OnnxUri),
                .. reference is null ? [] : new[] { StageAudit.Evidence(ModelState.TrainingReferenceEvidence, reference.Digest, reference.Uri) },
                StageAudit.Evidence("dataset-manifest", input.Dataset.ManifestDigest, input.Dataset.ManifestUri),
                StageAudit.Evidence($"policy:{policyVersion}", policy.Digest, null),
            ]).ConfigureAwait(false);
        return new GateOutcome(verdict.Passed, verdict.Reasons, index.Digest, index.Uri);
    }

    private static string Describe(TaskKind task) => task == TaskKind.MultiLabel ? "label sets (multi-label)" : "one class per image (single-label)";

    /// <summary>McNemar against the production version on the same test items; null when there is none, or it is this version, or its classes or task differ.</summary>
    private async Task<(int Version, ChampionChallengerResult Result)?> ChampionAsync(ModelState model, int version, TrainingData data,
        Predictions challenger, CancellationToken cancellationToken)
    {
        if (model.ProductionRecord is not { } production || production.Version == version)
        {
            return null;
        }

        using var champion = new OnnxEvaluator(await store.GetAsync(production.OnnxDigest, cancellationToken).ConfigureAwait(false), preferCuda: preferCuda);
        if (champion.ClassNames is not { } names || !names.SequenceEqual(data.Classes) || champion.Task != TaskKind.SingleLabel)
        {
            // A champion over another class set answers a different question; the report says there is no comparison.
            return null;
        }

        return (production.Version, ChampionChallengerResult.Compare(champion.Evaluate(data.Test, BatchSize, cancellationToken: cancellationToken), challenger));
    }

    /// <summary>The hyperparameters of the run's TrainingStarted entry (the recipe as trained), or null when the run recorded none.</summary>
    private async Task<IReadOnlyDictionary<string, string>?> TrainingEvidenceAsync(string runId, CancellationToken cancellationToken)
    {
        var entries = await audit.Ledger.ReadStreamAsync(AuditStreams.Run(runId), maxCount: 1000, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entries.Select(e => e.Data).OfType<TrainingStarted>().FirstOrDefault()?.Hyperparameters;
    }

    /// <summary>The gold audit of the trained label set as its QC evidence recorded it (QualityEvaluated's "qc-evidence"), in a sentence; null when none.</summary>
    private async Task<string?> LabelAuditAsync(string runId, string labelSetDigest, CancellationToken cancellationToken)
    {
        var entries = await audit.Ledger.ReadStreamAsync(AuditStreams.Run(runId), maxCount: 1000, cancellationToken: cancellationToken).ConfigureAwait(false);
        var label = Digest.ParseEither(labelSetDigest).Hex;
        var evaluated = entries.LastOrDefault(e => e.Data is QualityEvaluated && e.Context.Evidence.Any(d => d.Name == "label-set" && d.Sha256 == label));
        if (evaluated?.Context.Evidence.FirstOrDefault(d => d.Name == "qc-evidence") is not { } stored)
        {
            return null;
        }

        var document = QcEvidenceJson.Read(await store.GetAsync(Digest.ParseEither(stored.Sha256).ToString(), cancellationToken).ConfigureAwait(false));
        return QcEvidenceJson.DescribeAudit(document?.Evidence.GoldAudit);
    }

    private static ModelCardFacts Card(IEvaluateActivities.Input input, TrainingData data, OnnxProvider provider)
    {
        var multiLabel = data.Task == TaskKind.MultiLabel;
        var balance = string.Join(", ", data.Classes.Select((name, index) =>
            $"{name} {data.Test.Count(i => multiLabel ? i.Targets?[index] > 0.5f : i.Label == index)}"));
        return new ModelCardFacts(
            multiLabel
                ? $"Tags images with any subset of {string.Join(", ", data.Classes)} (each label decided at its own threshold) for the '{input.ModelName}' pipeline; a version serves only after the evaluation gate and human approval."
                : $"Classifies images into {string.Join(", ", data.Classes)} for the '{input.ModelName}' pipeline; a version serves only after the evaluation gate and human approval.",
            "Images of other classes, sources or resolutions than the training data; decisions with safety or legal consequences without human review.",
            $"Dataset {input.Dataset.ManifestDigest} with labels {input.Labels.LabelSetDigest}: {data.Labelled[DataSplit.Train]} training, "
            + $"{data.Labelled[DataSplit.Validation]} validation and {data.Test.Count} test images (test images per {(multiLabel ? "label" : "class")}: {balance}). Trained as {input.Trained.Architecture} for {input.Trained.Epochs} epochs on {input.Trained.Device}; "
            + $"evaluated with {provider.Describe()}.");
    }

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) =>
        new(message, inner, "InvalidInput", nonRetryable: true);
}
