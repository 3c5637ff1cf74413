namespace Orchestrator.Workflows.Evaluate;

/// <summary>The challenger against the production champion on the same test split (McNemar's test).</summary>
/// <param name="ChampionVersion">The production model version compared against.</param>
/// <param name="ChampionAccuracy">Champion accuracy on the split.</param>
/// <param name="ChallengerAccuracy">Challenger accuracy on the split.</param>
/// <param name="PValue">Two-sided McNemar p-value of the difference.</param>
public sealed record ChampionComparison(string ChampionVersion, double ChampionAccuracy, double ChallengerAccuracy, double PValue);

/// <summary>
/// What the evaluation stage measured on the test split; the evaluation gate decides on this alone.
/// Values are NaN where they could not be measured (an unmeasured value never passes a threshold).
/// </summary>
/// <param name="Accuracy">Top-1 accuracy.</param>
/// <param name="MacroF1">Unweighted mean of per-class F1.</param>
/// <param name="ClassRecall">Recall per class name.</param>
/// <param name="ExpectedCalibrationError">ECE of the top-class confidence.</param>
/// <param name="WorstSlice">"attribute=value" of the worst slice, if slices were evaluated.</param>
/// <param name="WorstSliceGap">Overall accuracy minus the worst slice's accuracy.</param>
/// <param name="RobustnessDrop">Accuracy lost under each perturbation (clean minus perturbed), by name.</param>
/// <param name="ParityMaxAbsError">Max |TorchSharp - ONNX Runtime| logit difference of the exported model.</param>
/// <param name="Champion">Comparison with the production model; null when there is none yet.</param>
/// <param name="TestItems">How many test items the model was evaluated on.</param>
/// <param name="NonFiniteOutputs">How many of them got NaN or infinite outputs from the model.</param>
/// <param name="MeanAveragePrecision">Multi-label models: mean average precision over the labels present in the test split; NaN otherwise or when none is.</param>
/// <param name="LabelAveragePrecision">Multi-label models: average precision per label present in the test split; null for single-label models.</param>
/// <param name="MultiLabel">True for a multi-label model: its accuracy, calibration, slices, robustness and champion comparison are single-label
/// measurements it does not have (NaN, none), and its gate needs a ranking check (<see cref="EvaluationGate"/>).</param>
public sealed record EvaluationEvidence(
    double Accuracy,
    double MacroF1,
    IReadOnlyDictionary<string, double> ClassRecall,
    double ExpectedCalibrationError,
    string? WorstSlice,
    double WorstSliceGap,
    IReadOnlyDictionary<string, double> RobustnessDrop,
    double ParityMaxAbsError,
    ChampionComparison? Champion,
    int TestItems = 0,
    int NonFiniteOutputs = 0,
    double MeanAveragePrecision = double.NaN,
    IReadOnlyDictionary<string, double>? LabelAveragePrecision = null,
    bool MultiLabel = false);
