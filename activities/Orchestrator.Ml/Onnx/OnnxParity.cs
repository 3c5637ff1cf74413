using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Models;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// Checks an exported model against its source: the same sample batch through TorchSharp (eval mode) and
/// through ONNX Runtime, compared as the maximum absolute difference of the logits.
/// </summary>
public static class OnnxParity
{
    /// <summary>The tolerance the export stage enforces by default.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>Max |torch - onnx| over all logits of <paramref name="batch"/> (NCHW, normalised).</summary>
    public static double MaxAbsDifference(ImageClassifier model, byte[] onnxModel, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        Devices.BackendSelfCheck.EnsurePassed(model.parameters().First().device);
        float[] expected;
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = model.parameters().First().device;
            expected = model.call(batch.to(device)).cpu().contiguous().data<float>().ToArray();
        }
        finally
        {
            model.train(wasTraining);
        }

        float[] input;
        using (var cpu = batch.cpu().to_type(ScalarType.Float32).contiguous())
        {
            input = cpu.data<float>().ToArray();
        }

        using var session = new InferenceSession(onnxModel);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, batch.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [inputValue], [OnnxExporter.OutputName]);
        var actual = outputs[0].GetTensorDataAsSpan<float>();
        if (actual.Length != expected.Length)
        {
            throw new InvalidOperationException($"ONNX produced {actual.Length} logits, TorchSharp {expected.Length}.");
        }

        // A NaN or infinite logit on either side is an infinite difference, never a small one.
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            max = double.IsFinite(difference) ? Math.Max(max, difference) : double.PositiveInfinity;
        }

        return max;
    }
}
