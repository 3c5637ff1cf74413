using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;

namespace Orchestrator.Workflows.Evaluate;

/// <summary>The evaluation gate's outcome; the evidence is the report approvers review.</summary>
/// <param name="Gate">Pass or fail, reasons, and the report's digest and URI.</param>
/// <param name="Accuracy">Test accuracy, for summaries (multi-label models: subset accuracy, the share of test images whose whole label set was right).</param>
/// <param name="MacroF1">Macro F1, for summaries (multi-label models: at the per-label thresholds).</param>
/// <param name="MeanAveragePrecision">Multi-label models: mean average precision over the labels present in the test split; null for single-label
/// models and when no label was present.</param>
public sealed record Evaluation(GateOutcome Gate, double Accuracy, double MacroF1, double? MeanAveragePrecision = null);

/// <summary>The evaluate activity (GPU task queue).</summary>
public interface IEvaluateActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "Evaluate";

    /// <summary>Evaluate on the test split, against the production champion when there is one.</summary>
    public sealed record Input(string RunId, string ModelName, DatasetVersion Dataset, LabelSet Labels, OnnxModel Model, TrainedModel Trained, string PolicyDigest);

    /// <summary>Runs the evaluation gate, stores the evidence report and records ModelEvaluated.</summary>
    [Activity(Name)]
    Task<Evaluation> EvaluateAsync(Input input);
}
