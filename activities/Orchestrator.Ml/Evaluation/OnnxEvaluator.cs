using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Evaluation;

/// <summary>
/// Runs an exported model with ONNX Runtime over a split in fixed-size batches. Input and output buffers
/// and their OrtValues are allocated once per batch shape and reused, so the per-item cost is the
/// preprocessing and the inference itself. Preprocessing comes from the model's own metadata.
/// </summary>
public sealed class OnnxEvaluator : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string inputName;
    private readonly string outputName;

    /// <param name="onnxModel">The exported model.</param>
    /// <param name="sessionOptions">Session options to use as they are (CPU provider unless they add one); null for the defaults.</param>
    /// <param name="preferCuda">Ask for ONNX Runtime's CUDA provider (with default options), falling back to the CPU provider (<see cref="Provider"/> says why).</param>
    public OnnxEvaluator(byte[] onnxModel, SessionOptions? sessionOptions = null, bool preferCuda = false)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        if (sessionOptions is null)
        {
            (session, Provider) = Devices.OnnxExecution.Create(onnxModel, () => new SessionOptions(), preferCuda);
        }
        else
        {
            session = new InferenceSession(onnxModel, sessionOptions);
            Provider = new Devices.OnnxProvider("cpu", null);
        }

        inputName = session.InputNames[0];
        outputName = session.OutputNames[0];
        Preprocessor = new ImagePreprocessor(Preprocessing.FromMetadata(session.ModelMetadata.CustomMetadataMap));
        ClassCount = checked((int)session.OutputMetadata[outputName].Dimensions[^1]);
        ClassNames = session.ModelMetadata.CustomMetadataMap.TryGetValue("model.classes", out var names)
            ? System.Text.Json.JsonSerializer.Deserialize<string[]>(names)
            : null;
        (Task, Thresholds) = Onnx.TaskMetadata.Read(session.ModelMetadata.CustomMetadataMap, ClassCount);
    }

    /// <summary>Single-label (softmax over classes) or multi-label (a sigmoid per label), from the model's metadata.</summary>
    public Contracts.TaskKind Task { get; }

    /// <summary>A multi-label model's per-label decision thresholds as recorded in its metadata; null for single-label models.</summary>
    public IReadOnlyList<MultiLabel.LabelThreshold>? Thresholds { get; }

    public ImagePreprocessor Preprocessor { get; }

    /// <summary>The execution provider the session runs on, with the reason when CUDA was asked for and not used.</summary>
    public Devices.OnnxProvider Provider { get; }

    public int ClassCount { get; }

    /// <summary>Class names in output order, from the model's metadata; null when the model carries none.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// Predictions for <paramref name="images"/>; <paramref name="perturbation"/> (robustness checks)
    /// alters each image's pixels before preprocessing.
    /// </summary>
    public Predictions Evaluate(IReadOnlyList<LabeledImage> images, int batchSize = 32, IImagePerturbation? perturbation = null, CancellationToken cancellationToken = default)
    {
        var (labels, probabilities) = Run(images, batchSize, perturbation, sigmoid: false, cancellationToken);
        return new Predictions(ClassCount, labels, probabilities, images.Select(i => i.Slices).ToArray());
    }

    /// <summary>
    /// A multi-label model's per-label sigmoid probabilities on <paramref name="images"/>, which must carry their multi-hot
    /// <see cref="LabeledImage.Targets"/>. A row with any non-finite logit becomes a row of NaN (sigmoid would turn an
    /// infinity into a confident 0 or 1), counted by <see cref="MultiLabel.MultiLabelPredictions.NonFiniteCount"/>.
    /// </summary>
    public MultiLabel.MultiLabelPredictions EvaluateMultiLabel(IReadOnlyList<LabeledImage> images, int batchSize = 32, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var truth = new bool[images.Count * ClassCount];
        for (var i = 0; i < images.Count; i++)
        {
            var targets = images[i].Targets is { } t && t.Length == ClassCount ? t
                : throw new ArgumentException($"Image {i} has {images[i].Targets?.Length ?? 0} multi-hot targets; the model has {ClassCount} labels.", nameof(images));
            for (var k = 0; k < ClassCount; k++)
            {
                truth[(i * ClassCount) + k] = targets[k] > 0.5f;
            }
        }

        var (_, probabilities) = Run(images, batchSize, null, sigmoid: true, cancellationToken);
        return new MultiLabel.MultiLabelPredictions(ClassCount, truth, probabilities);
    }

    private (int[] Labels, float[] Probabilities) Run(IReadOnlyList<LabeledImage> images, int batchSize, IImagePerturbation? perturbation, bool sigmoid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var perImage = Preprocessor.ValuesPerImage;
        var size = Preprocessor.Preprocessing.InputSize;
        var probabilities = new float[images.Count * ClassCount];
        var labels = new int[images.Count];
        var input = new float[batchSize * perImage];
        var output = new float[batchSize * ClassCount];
        byte[] scratch = [];
        var random = new Random(perturbation?.Seed ?? 0);
        OrtValue? partialIn = null, partialOut = null;
        using var fullIn = OrtValue.CreateTensorValueFromMemory(input, [batchSize, 3, size, size]);
        using var fullOut = OrtValue.CreateTensorValueFromMemory(output, [batchSize, ClassCount]);
        try
        {
            for (var start = 0; start < images.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(batchSize, images.Count - start);
                for (var i = 0; i < count; i++)
                {
                    var image = images[start + i];
                    var pixels = image.Pixels.Span;
                    if (perturbation is not null)
                    {
                        if (scratch.Length != pixels.Length)
                        {
                            scratch = new byte[pixels.Length];
                        }

                        perturbation.Apply(image.Width, image.Height, pixels, scratch, random);
                        pixels = scratch;
                    }

                    Preprocessor.Write(image.Width, image.Height, pixels, input.AsSpan(i * perImage, perImage), AugmentationOptions.None, null);
                    labels[start + i] = image.Label;
                }

                // Only the last batch can be short; its OrtValues view the start of the same buffers.
                OrtValue batchIn = fullIn, batchOut = fullOut;
                if (count < batchSize)
                {
                    partialIn = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, count * perImage), [count, 3, size, size]);
                    partialOut = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, count * ClassCount), [count, ClassCount]);
                    (batchIn, batchOut) = (partialIn, partialOut);
                }

                session.Run(runOptions, [inputName], [batchIn], [outputName], [batchOut]);
                if (sigmoid)
                {
                    Sigmoid(output.AsSpan(0, count * ClassCount), probabilities.AsSpan(start * ClassCount, count * ClassCount), ClassCount);
                }
                else
                {
                    Softmax.Rows(output.AsSpan(0, count * ClassCount), probabilities.AsSpan(start * ClassCount, count * ClassCount), ClassCount);
                }
            }
        }
        finally
        {
            partialIn?.Dispose();
            partialOut?.Dispose();
        }

        return (labels, probabilities);
    }

    private static void Sigmoid(ReadOnlySpan<float> logits, Span<float> probabilities, int labels)
    {
        for (var row = 0; row < logits.Length; row += labels)
        {
            var finite = InputChecks.IsFinite(logits.Slice(row, labels));
            for (var k = row; k < row + labels; k++)
            {
                probabilities[k] = finite ? (float)(1 / (1 + Math.Exp(-logits[k]))) : float.NaN;
            }
        }
    }

    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }
}
