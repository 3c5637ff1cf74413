namespace Orchestrator.Ml.Evaluation;

/// <summary>Precision, recall and F1 of one class; a class never predicted has precision 0.</summary>
public sealed record ClassMetrics(int Class, double Precision, double Recall, double F1, int Support, int PredictedCount);

/// <summary>One confidence bin of the reliability diagram.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);

/// <summary>
/// Standard multi-class figures. Macro averages weigh every class equally (all classes of the model,
/// including ones absent from the split); micro averages pool all decisions, which for single-label
/// classification makes micro precision, recall and F1 equal to accuracy.
/// Items whose outputs are NaN or infinite (<see cref="Predictions.NonFiniteCount"/>, reported here as
/// NonFiniteOutputs) count as wrong: they lower accuracy, recall and top-k, are missing from the confusion
/// matrix's columns and from calibration (they have no confidence), and the evaluation gate fails on them.
/// </summary>
public sealed record ClassificationMetrics(
    int Count,
    double Accuracy,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    double MicroPrecision,
    double MicroRecall,
    double MicroF1,
    IReadOnlyList<ClassMetrics> PerClass,
    IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    IReadOnlyDictionary<int, double> TopK,
    double ExpectedCalibrationError,
    IReadOnlyList<ReliabilityBin> Reliability,
    int NonFiniteOutputs = 0)
{
    /// <summary>Computes everything from <paramref name="predictions"/>; rows of the confusion matrix are true classes, columns predicted ones.</summary>
    public static ClassificationMetrics Compute(Predictions predictions, IReadOnlyList<int>? topK = null, int calibrationBins = 15)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfZero(predictions.Count);
        var k = predictions.ClassCount;
        var n = predictions.Count;
        var confusion = new int[k][];
        for (var i = 0; i < k; i++)
        {
            confusion[i] = new int[k];
        }

        var correct = 0;
        var supports = new int[k];
        for (var i = 0; i < n; i++)
        {
            supports[predictions.Labels[i]]++;
            if (predictions.HasFiniteOutput(i))
            {
                confusion[predictions.Labels[i]][predictions.Predicted[i]]++;
                correct += predictions.IsCorrect(i) ? 1 : 0;
            }
        }

        var perClass = new ClassMetrics[k];
        for (var c = 0; c < k; c++)
        {
            var tp = confusion[c][c];
            var support = supports[c];
            var predicted = confusion.Sum(row => row[c]);
            var precision = predicted == 0 ? 0 : (double)tp / predicted;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[c] = new ClassMetrics(c, precision, recall, f1, support, predicted);
        }

        var accuracy = (double)correct / n;
        var (ece, bins) = Calibration.Compute(predictions, calibrationBins);
        var topKs = (topK ?? [1, Math.Min(2, k), Math.Min(3, k)]).Distinct().Where(t => t >= 1 && t <= k)
            .ToDictionary(t => t, t => TopKAccuracy(predictions, t));
        return new ClassificationMetrics(n, accuracy,
            perClass.Average(c => c.Precision), perClass.Average(c => c.Recall), perClass.Average(c => c.F1),
            accuracy, accuracy, accuracy, perClass, confusion, topKs, ece, bins, predictions.NonFiniteCount);
    }

    /// <summary>Share of items whose true class is among the <paramref name="k"/> most probable (ties favour the true class); items with non-finite outputs never hit.</summary>
    public static double TopKAccuracy(Predictions predictions, int k)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfZero(predictions.Count);
        var hits = 0;
        for (var i = 0; i < predictions.Count; i++)
        {
            if (!predictions.HasFiniteOutput(i))
            {
                continue;
            }

            var row = predictions.Row(i);
            var truth = row[predictions.Labels[i]];
            var higher = 0;
            foreach (var p in row)
            {
                higher += p > truth ? 1 : 0;
            }

            hits += higher < k ? 1 : 0;
        }

        return (double)hits / predictions.Count;
    }
}
