using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Serving;

/// <summary>
/// One loaded model version for online inference: an ONNX Runtime session (thread-safe for concurrent
/// Run calls) with the preprocessing and class names read from the model's own metadata, so serving
/// preprocesses exactly as training and evaluation did.
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ImagePreprocessor _preprocessor;
    private readonly string _input;
    private readonly string _output;

    /// <summary>
    /// Loads <paramref name="onnxModel"/>; <paramref name="intraOpThreads"/> 0 lets ONNX Runtime choose. With
    /// <paramref name="preferCuda"/> the session asks for ONNX Runtime's CUDA provider and falls back to the CPU one
    /// (<see cref="Provider"/> says why).
    /// </summary>
    public OnnxPredictor(byte[] onnxModel, int intraOpThreads = 1, bool preferCuda = false)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        (_session, Provider) = Devices.OnnxExecution.Create(onnxModel, () => Options(intraOpThreads), preferCuda);
        _input = _session.InputNames[0];
        _output = _session.OutputNames[0];
        var metadata = _session.ModelMetadata.CustomMetadataMap;
        _preprocessor = new ImagePreprocessor(Preprocessing.FromMetadata(metadata));
        ClassCount = checked((int)_session.OutputMetadata[_output].Dimensions[^1]);
        ClassNames = metadata.TryGetValue("model.classes", out var names) && JsonSerializer.Deserialize<string[]>(names) is { } parsed && parsed.Length == ClassCount
            ? parsed
            : [.. Enumerable.Range(0, ClassCount).Select(i => $"class-{i}")];
        (Task, var thresholds) = Onnx.TaskMetadata.Read(metadata, ClassCount);
        Thresholds = thresholds?.Select(t => t.Threshold).ToArray();
    }

    /// <summary>Single-label (softmax: one class per image) or multi-label (a sigmoid per label: a label set per image), from the model's metadata.</summary>
    public Contracts.TaskKind Task { get; }

    /// <summary>A multi-label model's decision threshold per label (label order), from its metadata; null for single-label models.</summary>
    public IReadOnlyList<double>? Thresholds { get; }

    /// <summary>The execution provider serving runs on.</summary>
    public Devices.OnnxProvider Provider { get; }

    /// <summary>Class names in output order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int ClassCount { get; }

    /// <summary>The input contract (size, normalisation).</summary>
    public Preprocessing Preprocessing => _preprocessor.Preprocessing;

    /// <summary>The session options serving uses; the benchmark's bare loop uses the same.</summary>
    public static SessionOptions Options(int intraOpThreads)
    {
        var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        return options;
    }

    /// <summary>
    /// Class probabilities for each image (row-major, <see cref="ClassCount"/> per image). Throws
    /// <see cref="NonFiniteOutputException"/> when the model's logits for any image are not finite.
    /// </summary>
    public float[] Predict(IReadOnlyList<RgbImage> images) => Predict(images, Contracts.TaskKind.SingleLabel);

    /// <summary>
    /// Per image: class probabilities (single-label: softmax over <see cref="ClassCount"/>) or each label's own
    /// probability (multi-label: a sigmoid per label). Throws <see cref="NonFiniteOutputException"/> like the overload above.
    /// </summary>
    public float[] Predict(IReadOnlyList<RgbImage> images, Contracts.TaskKind task)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            return [];
        }

        var perImage = _preprocessor.ValuesPerImage;
        var size = _preprocessor.Preprocessing.InputSize;
        var input = new float[images.Count * perImage];
        for (var i = 0; i < images.Count; i++)
        {
            _preprocessor.Write(images[i].Width, images[i].Height, images[i].Pixels, input.AsSpan(i * perImage, perImage), AugmentationOptions.None, null);
        }

        var logits = new float[images.Count * ClassCount];
        using (var inputValue = OrtValue.CreateTensorValueFromMemory(input, [images.Count, 3, size, size]))
        using (var outputValue = OrtValue.CreateTensorValueFromMemory(logits, [images.Count, ClassCount]))
        using (var run = new RunOptions())
        {
            _session.Run(run, [_input], [inputValue], [_output], [outputValue]);
        }

        var broken = 0;
        for (var i = 0; i < images.Count; i++)
        {
            foreach (var logit in logits.AsSpan(i * ClassCount, ClassCount))
            {
                if (!float.IsFinite(logit))
                {
                    broken++;
                    break;
                }
            }
        }

        if (broken > 0)
        {
            throw new NonFiniteOutputException(broken, images.Count);
        }

        var probabilities = new float[logits.Length];
        if (task == Contracts.TaskKind.MultiLabel)
        {
            for (var k = 0; k < logits.Length; k++)
            {
                probabilities[k] = (float)(1 / (1 + Math.Exp(-logits[k])));
            }
        }
        else
        {
            Softmax.Rows(logits, probabilities, ClassCount);
        }

        return probabilities;
    }

    /// <summary>Mean R, G and B intensity in [0,1] of an image: the input statistic drift is measured on.</summary>
    public static double[] ChannelMeans(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        // One implementation for serving and the training reference, so drift compares like with like.
        return Monitoring.TrainingReference.ChannelMeans(image.Pixels);
    }

    public void Dispose() => _session.Dispose();
}
