using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;
using TorchSharp;

namespace Orchestrator.Ml.Tests.Training;

public sealed class MultiLabelTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TrainAsync_MultiShapeImages_SigmoidHeadBeatsChanceOnMeanAveragePrecision()
    {
        var train = MultiShapeImages.Generate(600, seed: 1);
        var validation = MultiShapeImages.Generate(150, seed: 2);
        var test = MultiShapeImages.Generate(200, seed: 3);
        var options = new TrainingOptions { Task = TaskKind.MultiLabel, Epochs = 4, BatchSize = 32, LearningRate = 3e-3, Seed = 5 };
        var trainer = new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), options);
        using var model = new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 3, Width: 8, BlocksPerStage: 1, Stages: 3, StemStride: 2));

        TrainingResult result;
        try
        {
            result = await trainer.TrainAsync(model, train, validation, null, new TrainingCallbacks { OnEpoch = e => output.WriteLine($"{e}") }, TestContext.Current.CancellationToken);
        }
        catch (Exception e)
        {
            // Once, in CI only, epoch 4 of this run threw and the log kept only the stack trace; the message goes to the test's output too.
            output.WriteLine($"training threw {e.GetType().Name}: {e.Message}");
            throw;
        }

        var thresholds = DecisionThresholds.Choose(trainer.PredictMultiLabel(model, validation, torch.CPU, TestContext.Current.CancellationToken));
        var metrics = MultiLabelMetrics.Compute(trainer.PredictMultiLabel(model, test, torch.CPU, TestContext.Current.CancellationToken), [.. thresholds.Select(t => t.Threshold)]);

        // Chance: a ranking that ignores the image has AP equal to the label's prevalence on average (about 0.5 here).
        var chance = metrics.PerLabel.Average(l => (double)l.Support / metrics.Count);
        output.WriteLine($"mAP {metrics.MeanAveragePrecision:F3} (chance {chance:F3}), macro F1 {metrics.MacroF1:F3}, thresholds {string.Join(", ", thresholds.Select(t => t.Threshold.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
        result.History.ShouldAllBe(e => double.IsFinite(e.TrainLoss));
        result.History[^1].TrainLoss.ShouldBeLessThan(result.History[0].TrainLoss);
        metrics.MeanAveragePrecision.ShouldBeGreaterThan(chance + 0.25);
        thresholds.ShouldAllBe(t => t.Basis == ThresholdBasis.MaximisedValidationF1);

        // The exported ONNX model, evaluated with sigmoid outputs, gives the same probabilities and so the same mAP.
        using var evaluator = new OnnxEvaluator(OnnxExporter.Export(model, Preprocessing.Centered(32), MultiShapeImages.Labels));
        var onnx = evaluator.EvaluateMultiLabel(test, cancellationToken: TestContext.Current.CancellationToken);
        var torchProbabilities = trainer.PredictMultiLabel(model, test, torch.CPU, TestContext.Current.CancellationToken).Probabilities;
        onnx.Probabilities.Zip(torchProbabilities).Max(p => Math.Abs(p.First - p.Second)).ShouldBeLessThan(1e-4f);
        MultiLabelMetrics.Compute(onnx, [.. thresholds.Select(t => t.Threshold)]).MeanAveragePrecision.ShouldBe(metrics.MeanAveragePrecision, 1e-3);
    }

    [Fact]
    public void Validate_MultiLabelWithClassWeights_IsRefused() =>
        Should.Throw<ArgumentException>(() => new TrainingOptions { Task = TaskKind.MultiLabel, Imbalance = ImbalanceHandling.ClassWeights }.Validate())
            .Message.ShouldContain("a multi-label run takes none of them");
}
