using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Orchestrator.Benchmarks.Ml;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Serving;
using Orchestrator.Ml.Training;

namespace Orchestrator.Benchmarks.Serving;

/// <summary>
/// The in-process predictor (decoded RGB in: preprocessing from the model's metadata, OrtValue inference,
/// softmax; HTTP and the registry excluded) against a bare InferenceSession.Run loop over already-preprocessed
/// inputs in preallocated OrtValues, at batch 1 and 16. Same exported model, same session options (1 thread).
/// </summary>
public sealed class ServeOverheadBenchmark : IBenchmark
{
    public string Name => "serve-overhead";

    public string Description => "OnnxPredictor vs bare InferenceSession.Run, batch 1 and 16 (requests/s; p50 overhead in ms)";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 16);
        using var model = new ResNet(spec);
        model.eval();
        var onnx = ResNetOnnxExporter.Export(model, Preprocessing.Centered(32), ["a", "b", "c", "d"]);
        var images = SyntheticImages.Generate(Math.Max(64, BenchContext.Scaled(1024)), 32).Select(i => new RgbImage(i.Width, i.Height, i.Pixels.ToArray())).ToArray();
        using var predictor = new OnnxPredictor(onnx, intraOpThreads: 1);
        using var options = OnnxPredictor.Options(1);
        using var session = new InferenceSession(onnx, options);
        var preprocessor = new ImagePreprocessor(predictor.Preprocessing);
        var perImage = preprocessor.ValuesPerImage;
        var preprocessed = new float[images.Length * perImage];
        for (var i = 0; i < images.Length; i++)
        {
            preprocessor.Write(images[i].Width, images[i].Height, images[i].Pixels, preprocessed.AsSpan(i * perImage, perImage), AugmentationOptions.None, null);
        }

        foreach (var batch in new[] { 1, 16 })
        {
            var calls = images.Length / batch;
            List<double> served = [], bare = [];
            for (var round = 0; round < 3; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bare.AddRange(Bare(session, preprocessed, calls, batch, perImage, spec.NumClasses));
                for (var c = 0; c < calls; c++)
                {
                    var requestImages = images.AsSpan(c * batch, batch).ToArray();
                    var start = Stopwatch.GetTimestamp();
                    predictor.Predict(requestImages);
                    served.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            var servedP50 = Measure.Median(served);
            var bareP50 = Measure.Median(bare);
            context.Ratio(batch * 1000 / servedP50, batch * 1000 / bareP50, "images/s", $"batch{batch}");
            context.Value(servedP50 - bareP50, "ms", $"batch{batch}-p50-overhead");
        }

        return Task.CompletedTask;
    }

    private static List<double> Bare(InferenceSession session, float[] preprocessed, int calls, int batch, int perImage, int classes)
    {
        var input = new float[batch * perImage];
        var output = new float[batch * classes];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 32, 32]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [batch, classes]);
        using var runOptions = new RunOptions();
        var latencies = new List<double>(calls);
        for (var c = 0; c < calls; c++)
        {
            var start = Stopwatch.GetTimestamp();
            preprocessed.AsSpan(c * batch * perImage, batch * perImage).CopyTo(input);
            session.Run(runOptions, [ResNetOnnxExporter.InputName], [inputValue], [ResNetOnnxExporter.OutputName], [outputValue]);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return latencies;
    }
}
