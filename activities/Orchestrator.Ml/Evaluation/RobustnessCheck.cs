namespace Orchestrator.Ml.Evaluation;

/// <summary>Accuracy under one perturbation and the drop from clean accuracy.</summary>
public sealed record RobustnessResult(string Perturbation, double Accuracy, double Drop);

/// <summary>Re-evaluates the split under each perturbation (brightness, blur, noise, ...).</summary>
public static class RobustnessCheck
{
    /// <summary>The perturbations the evidence report uses unless the policy names others.</summary>
    public static IReadOnlyList<IImagePerturbation> Defaults { get; } =
    [
        new BrightnessPerturbation(0.5),
        new BrightnessPerturbation(1.5),
        new BlurPerturbation(1),
        new GaussianNoisePerturbation(20),
    ];

    public static IReadOnlyList<RobustnessResult> Run(OnnxEvaluator evaluator, IReadOnlyList<Training.LabeledImage> images, double cleanAccuracy,
        IReadOnlyList<IImagePerturbation>? perturbations = null, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return (perturbations ?? Defaults).Select(p =>
        {
            var predictions = evaluator.Evaluate(images, batchSize, p, cancellationToken);
            var accuracy = Enumerable.Range(0, predictions.Count).Count(predictions.IsCorrect) / (double)predictions.Count;
            return new RobustnessResult(p.Name, accuracy, cleanAccuracy - accuracy);
        }).ToArray();
    }
}
