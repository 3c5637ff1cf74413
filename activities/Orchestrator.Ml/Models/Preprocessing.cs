using System.Globalization;

namespace Orchestrator.Ml.Models;

/// <summary>
/// The input contract of a trained model: square RGB images of <see cref="InputSize"/> pixels (resized
/// straight to that square, or, with <see cref="ResizeShorterSide"/>, resized keeping the aspect ratio and
/// centre-cropped), values scaled to [0,1], then normalised per channel as (x - mean) / std. Travels with
/// the ONNX file as metadata, and <see cref="Training.ImagePreprocessor"/> is its one implementation, so
/// training, evaluation and serving preprocess identically.
/// </summary>
public sealed record Preprocessing(int InputSize, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>
    /// The side the image's shorter side is resized to (bilinear, aspect ratio kept) before the centred
    /// <see cref="InputSize"/> crop, as torchvision's Resize + CenterCrop; 0 (the default) resizes straight to
    /// InputSize x InputSize.
    /// </summary>
    public int ResizeShorterSide { get; init; }

    /// <summary>ImageNet statistics, the usual choice for natural images and transfer learning.</summary>
    public static Preprocessing ImageNet(int inputSize) => new(inputSize, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>
    /// torchvision's ImageNet evaluation preset for the published ResNet and MobileNetV3 weights: shorter side
    /// to 256, centre crop 224, ImageNet mean and std. Other crop sizes keep the 256:224 ratio.
    /// </summary>
    public static Preprocessing TorchvisionImageNet(int cropSize = 224) =>
        ImageNet(cropSize) with { ResizeShorterSide = (int)Math.Round(cropSize * 256.0 / 224.0, MidpointRounding.AwayFromZero) };

    /// <summary>Maps [0,1] to [-1,1]; a neutral choice for synthetic data.</summary>
    public static Preprocessing Centered(int inputSize) => new(inputSize, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>The metadata entries written into the ONNX model.</summary>
    public IReadOnlyDictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>
        {
            ["preprocessing.input_size"] = InputSize.ToString(CultureInfo.InvariantCulture),
            ["preprocessing.layout"] = "NCHW",
            ["preprocessing.color"] = "RGB",
            ["preprocessing.scale"] = "1/255",
            ["preprocessing.mean"] = Join(Mean),
            ["preprocessing.std"] = Join(Std),
        };
        if (ResizeShorterSide > 0)
        {
            metadata["preprocessing.resize_shorter_side"] = ResizeShorterSide.ToString(CultureInfo.InvariantCulture);
            metadata["preprocessing.crop"] = "center";
        }

        return metadata;
    }

    /// <summary>Reads the constants back from ONNX metadata (the inverse of <see cref="ToMetadata"/>).</summary>
    public static Preprocessing FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new Preprocessing(
            int.Parse(metadata["preprocessing.input_size"], CultureInfo.InvariantCulture),
            Split(metadata["preprocessing.mean"]),
            Split(metadata["preprocessing.std"]))
        {
            // Absent from models exported before centre cropping existed: those resize straight to the square.
            ResizeShorterSide = metadata.TryGetValue("preprocessing.resize_shorter_side", out var resize) ? int.Parse(resize, CultureInfo.InvariantCulture) : 0,
        };
    }

    private static string Join(IReadOnlyList<float> values) =>
        string.Join(',', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static float[] Split(string values) =>
        values.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
