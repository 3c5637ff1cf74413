using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Training;

namespace Orchestrator.Benchmarks.Ml;

/// <summary>
/// The evaluator (decoded RGB in, preprocessing, batched OrtValue inference, softmax, predictions out)
/// against a bare InferenceSession.Run loop over already-preprocessed inputs copied into preallocated
/// OrtValues, at batch 1 and 32. Same exported model, same images, same session options.
/// </summary>
public sealed class EvalThroughputBenchmark : IBenchmark
{
    public string Name => "eval-throughput";

    public string Description => "OnnxEvaluator vs bare InferenceSession.Run with preallocated OrtValues, batch 1 and 32 (images/s)";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 16);
        using var model = new ResNet(spec);
        model.eval();
        var onnx = ResNetOnnxExporter.Export(model, Preprocessing.Centered(32), ["a", "b", "c", "d"]);
        var images = SyntheticImages.Generate(BenchContext.Scaled(2048), 32);
        using var evaluator = new OnnxEvaluator(onnx);
        using var session = new InferenceSession(onnx);
        var preprocessed = Preprocess(evaluator.Preprocessor, images);

        foreach (var batch in new[] { 1, 32 })
        {
            double best = 0, bestBaseline = 0;
            for (var round = 0; round < 3; round++)
            {
                bestBaseline = Math.Max(bestBaseline, Bare(session, preprocessed, images.Count, batch, evaluator.Preprocessor.ValuesPerImage, spec.NumClasses));
                var watch = Stopwatch.StartNew();
                evaluator.Evaluate(images, batch, cancellationToken: cancellationToken);
                best = Math.Max(best, images.Count / watch.Elapsed.TotalSeconds);
            }

            context.Ratio(best, bestBaseline, "images/s", $"batch{batch}");
        }

        return Task.CompletedTask;
    }

    private static float[] Preprocess(ImagePreprocessor preprocessor, IReadOnlyList<LabeledImage> images)
    {
        var perImage = preprocessor.ValuesPerImage;
        var all = new float[images.Count * perImage];
        for (var i = 0; i < images.Count; i++)
        {
            preprocessor.Write(images[i], all.AsSpan(i * perImage, perImage), AugmentationOptions.None, null);
        }

        return all;
    }

    // Full batches only: the baseline is the inference floor, not a complete evaluation.
    private static double Bare(InferenceSession session, float[] preprocessed, int count, int batch, int perImage, int classes)
    {
        var input = new float[batch * perImage];
        var output = new float[batch * classes];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 32, 32]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [batch, classes]);
        using var runOptions = new RunOptions();
        var batches = count / batch;
        var watch = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            preprocessed.AsSpan(b * batch * perImage, batch * perImage).CopyTo(input);
            session.Run(runOptions, [ResNetOnnxExporter.InputName], [inputValue], [ResNetOnnxExporter.OutputName], [outputValue]);
        }

        return batches * batch / watch.Elapsed.TotalSeconds;
    }
}
