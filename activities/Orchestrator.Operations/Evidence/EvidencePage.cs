using Orchestrator.Workflows.Evaluate;

namespace Orchestrator.Operations.Evidence;

/// <summary>
/// What a reader of a stored evidence report sees (the console's run page): the report's figures in plain records, so a
/// host that must not load the ML assembly (the API) can show them. Built from the report's bytes by <see cref="EvidenceReader"/>.
/// </summary>
/// <param name="ModelName">The evaluated model.</param>
/// <param name="ModelVersion">Its version ("v3").</param>
/// <param name="ModelDigest">The ONNX file's digest.</param>
/// <param name="DatasetDigest">The dataset's digest.</param>
/// <param name="ClassNames">The classes, in the model's output order.</param>
/// <param name="Metrics">The overall metrics on the test split.</param>
/// <param name="PerClass">Precision, recall, F1 and support of each class.</param>
/// <param name="Slices">Accuracy per slice of the test split.</param>
/// <param name="WorstSlice">The worst slice ("attribute=value"), or null when no slice was large enough.</param>
/// <param name="WorstSliceGap">Its accuracy gap to the whole split; NaN (not measured) when there is no worst slice.</param>
/// <param name="Robustness">Accuracy under each perturbation.</param>
/// <param name="Champion">The comparison with the production champion, or null when there is none.</param>
/// <param name="ChampionVersion">The champion's version, or null.</param>
/// <param name="ParityMaxAbsError">The largest difference between the ONNX and the training network's outputs.</param>
/// <param name="TrainingHistory">Training and validation figures per epoch.</param>
/// <param name="Card">The model card's statements.</param>
/// <param name="GateInput">What the evaluation gate decides on, derived from the same report (<see cref="EvaluationFacts.Evidence"/>).</param>
public sealed record EvidencePage(
    string ModelName,
    string ModelVersion,
    string ModelDigest,
    string DatasetDigest,
    IReadOnlyList<string> ClassNames,
    EvidenceMetrics Metrics,
    IReadOnlyList<EvidenceClass> PerClass,
    IReadOnlyList<EvidenceSlice> Slices,
    string? WorstSlice,
    double WorstSliceGap,
    IReadOnlyList<EvidenceRobustness> Robustness,
    EvidenceChampion? Champion,
    string? ChampionVersion,
    double ParityMaxAbsError,
    IReadOnlyList<EvidenceEpoch> TrainingHistory,
    EvidenceCard Card,
    EvaluationEvidence GateInput);

/// <summary>Overall metrics of an evidence report.</summary>
public sealed record EvidenceMetrics(
    int Count, double Accuracy, double MacroPrecision, double MacroRecall, double MacroF1, double ExpectedCalibrationError,
    IReadOnlyDictionary<int, double> TopK, int NonFiniteOutputs);

/// <summary>One class's figures.</summary>
public sealed record EvidenceClass(string Name, double Precision, double Recall, double F1, int Support);

/// <summary>One slice's figures.</summary>
public sealed record EvidenceSlice(string Attribute, string Value, int Count, double Accuracy, double MacroF1);

/// <summary>Accuracy under one perturbation and its drop from the clean accuracy.</summary>
public sealed record EvidenceRobustness(string Perturbation, double Accuracy, double Drop);

/// <summary>The champion/challenger comparison on the same test items.</summary>
public sealed record EvidenceChampion(double ChampionAccuracy, double ChallengerAccuracy, string Method, double PValue, int OnlyChampionCorrect, int OnlyChallengerCorrect);

/// <summary>One epoch of training.</summary>
public sealed record EvidenceEpoch(int Epoch, double TrainLoss, double ValidationLoss, double ValidationAccuracy);

/// <summary>The model card's statements.</summary>
public sealed record EvidenceCard(string IntendedUse, string OutOfScope, string TrainingData);
