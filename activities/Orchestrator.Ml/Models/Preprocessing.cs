using System.Globalization;

namespace Orchestrator.Ml.Models;

/// <summary>
/// The input contract of a trained model: square RGB images of <see cref="InputSize"/> pixels, values
/// scaled to [0,1], then normalised per channel as (x - mean) / std. Travels with the ONNX file as
/// metadata so that any consumer preprocesses exactly as training did.
/// </summary>
public sealed record Preprocessing(int InputSize, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>ImageNet statistics, the usual choice for natural images and transfer learning.</summary>
    public static Preprocessing ImageNet(int inputSize) => new(inputSize, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Maps [0,1] to [-1,1]; a neutral choice for synthetic data.</summary>
    public static Preprocessing Centered(int inputSize) => new(inputSize, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>The metadata entries written into the ONNX model.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        ["preprocessing.input_size"] = InputSize.ToString(CultureInfo.InvariantCulture),
        ["preprocessing.layout"] = "NCHW",
        ["preprocessing.color"] = "RGB",
        ["preprocessing.scale"] = "1/255",
        ["preprocessing.mean"] = Join(Mean),
        ["preprocessing.std"] = Join(Std),
    };

    /// <summary>Reads the constants back from ONNX metadata (the inverse of <see cref="ToMetadata"/>).</summary>
    public static Preprocessing FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new Preprocessing(
            int.Parse(metadata["preprocessing.input_size"], CultureInfo.InvariantCulture),
            Split(metadata["preprocessing.mean"]),
            Split(metadata["preprocessing.std"]));
    }

    private static string Join(IReadOnlyList<float> values) =>
        string.Join(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static float[] Split(string values) =>
        values.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
