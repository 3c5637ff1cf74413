using System.Text.Json;
using Orchestrator.Ml.Models;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Weights;

/// <summary>
/// The torchvision reference checkpoints: the two ResNets torchvision itself wrote (the shared fixtures, copied
/// byte for byte into tests/fixtures/torchvision so any clone has them, SHA256SUMS beside them; a test checks the copy
/// against ../shared when that folder is beside the checkout; ORCHESTRATOR_SHARED_FIXTURES overrides the folder) and
/// the MobileNetV3-Small this project's Fixtures/torchvision/make_fixtures.py wrote with torchvision 0.14.
/// A missing folder fails the tests that need it, with the path looked at: they never pass on nothing.
/// </summary>
internal static class TorchvisionFixtures
{
    public const string Basic = "tv-resnet-basic-1111";
    public const string Bottleneck = "tv-resnet-bottleneck-1111";

    /// <summary>ResNet(BasicBlock, [1,1,1,1], num_classes=5) at 64 px.</summary>
    public static ModelSpec BasicSpec { get; } = new(Architecture.TorchvisionResNet, 5) { ResNet = new(ResidualBlockKind.Basic, 1, 1, 1, 1), ImageSize = 64 };

    /// <summary>ResNet(Bottleneck, [1,1,1,1], num_classes=5, width_per_group=16) at 64 px.</summary>
    public static ModelSpec BottleneckSpec { get; } = new(Architecture.TorchvisionResNet, 5) { ResNet = new(ResidualBlockKind.Bottleneck, 1, 1, 1, 1, WidthPerGroup: 16), ImageSize = 64 };

    /// <summary>mobilenet_v3_small(num_classes=5) at 64 px.</summary>
    public static ModelSpec MobileNetSpec { get; } = new(Architecture.MobileNetV3Small, 5) { ImageSize = 64 };

    public static string SharedDirectory
    {
        get
        {
            var fixtures = Environment.GetEnvironmentVariable("ORCHESTRATOR_SHARED_FIXTURES") is { Length: > 0 } overridden
                ? overridden
                : Path.Combine(RepositoryRoot(), "tests", "fixtures");
            var directory = Path.GetFullPath(Path.Combine(fixtures, "torchvision"));
            return File.Exists(Path.Combine(directory, "references.json"))
                ? directory
                : throw new InvalidOperationException($"The shared torchvision fixtures are not at {directory}: they are committed under tests/fixtures/torchvision (or set ORCHESTRATOR_SHARED_FIXTURES).");
        }
    }

    /// <summary>The shared folder beside the checkout, when there is one (it is where the committed copy came from).</summary>
    public static string? UpstreamDirectory =>
        Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "fixtures", "torchvision")) is var upstream && Directory.Exists(upstream) ? upstream : null;

    /// <summary>The committed MobileNetV3-Small reference (Fixtures/torchvision in the test output).</summary>
    public static string LocalDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torchvision");

    public static string SharedFile(string model) => Path.Combine(SharedDirectory, model + ".safetensors");

    public static string MobileNetFile => Path.Combine(LocalDirectory, "tv-mobilenet_v3_small-f16.pt");

    /// <summary>The logits torchvision computed for a shared fixture (references.json); "params" there counts every state-dict element.</summary>
    public static float[,] SharedLogits(string model, out long elementCount)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SharedDirectory, "references.json")));
        var entry = document.RootElement.GetProperty("models").GetProperty(model);
        elementCount = entry.GetProperty("params").GetInt64();
        return Logits(entry.GetProperty("logits"));
    }

    /// <summary>The logits torchvision computed for the MobileNetV3-Small fixture.</summary>
    public static float[,] MobileNetLogits(out long parameterCount)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(LocalDirectory, "tv-mobilenet_v3_small.json")));
        parameterCount = document.RootElement.GetProperty("parameter_count").GetInt64();
        return Logits(document.RootElement.GetProperty("logits"));
    }

    /// <summary>x[n,c,h,w] = sin(0.37(n+1)(c+1) + 0.11h - 0.07w), n in 0..1: the input every reference was computed on.</summary>
    public static Tensor FormulaInput(int size)
    {
        var values = new float[2 * 3 * size * size];
        var i = 0;
        for (var n = 0; n < 2; n++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var h = 0; h < size; h++)
                {
                    for (var w = 0; w < size; w++)
                    {
                        values[i++] = (float)Math.Sin((0.37 * (n + 1) * (c + 1)) + (0.11 * h) - (0.07 * w));
                    }
                }
            }
        }

        return tensor(values, [2, 3, size, size]);
    }

    /// <summary>Max |actual - expected| over all logits.</summary>
    public static double MaxAbsDifference(float[,] expected, Tensor actual)
    {
        actual.shape.ShouldBe([expected.GetLength(0), expected.GetLength(1)]);
        var values = actual.cpu().data<float>().ToArray();
        var max = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            max = Math.Max(max, Math.Abs(values[i] - expected[i / expected.GetLength(1), i % expected.GetLength(1)]));
        }

        return max;
    }

    private static float[,] Logits(JsonElement rows)
    {
        var result = new float[rows.GetArrayLength(), rows[0].GetArrayLength()];
        for (var r = 0; r < result.GetLength(0); r++)
        {
            for (var c = 0; c < result.GetLength(1); c++)
            {
                result[r, c] = rows[r][c].GetSingle();
            }
        }

        return result;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Orchestrator.sln above {AppContext.BaseDirectory}.");
    }
}
