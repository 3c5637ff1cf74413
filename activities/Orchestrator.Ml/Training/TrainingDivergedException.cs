using System.Globalization;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Thrown by <see cref="Trainer"/> in the batch where the loss or the gradient norm stops being a finite
/// number, before the optimiser applies it, e.g. <c>training diverged: loss is NaN at epoch 1, batch 3
/// (learning rate 0.003)</c>. Retrying the same data with the same settings diverges again.
/// </summary>
public sealed class TrainingDivergedException(string quantity, double value, int epoch, int batch, double learningRate)
    : Exception(string.Create(CultureInfo.InvariantCulture,
        $"training diverged: {quantity} is {Describe(value)} at epoch {epoch}, batch {batch} (learning rate {learningRate:G4})"))
{
    /// <summary>What stopped being finite: "loss" or "gradient norm".</summary>
    public string Quantity { get; } = quantity;

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; } = batch;

    /// <summary>The learning rate of that batch.</summary>
    public double LearningRate { get; } = learningRate;

    private static string Describe(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";
}
