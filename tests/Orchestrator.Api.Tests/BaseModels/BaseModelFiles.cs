using Orchestrator.Ml.Models;
using Orchestrator.Ml.Weights;

namespace Orchestrator.Api.Tests.BaseModels;

/// <summary>Weights files for the base-model tests: the checkout's torchvision-written fixtures as they are, and a freshly drawn ResNet-18.</summary>
internal static class BaseModelFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>torchvision's ResNet(BasicBlock, [1,1,1,1]) in float16: not a resnet18.</summary>
    public static string SharedBasic => Path.Combine(Root, "tests", "fixtures", "torchvision", "tv-resnet-basic-1111.safetensors");

    /// <summary>torchvision's mobilenet_v3_small(num_classes=5) saved by torch.save in float16.</summary>
    public static string MobileNet => Path.Combine(Root, "tests", "Orchestrator.Ml.Tests", "Fixtures", "torchvision", "tv-mobilenet_v3_small-f16.pt");

    /// <summary>Writes a torchvision-layout ResNet-18 of <paramref name="classes"/> classes (seeded weights) as safetensors under <paramref name="directory"/>.</summary>
    public static string WriteResNet18(string directory, int classes = 1000)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "resnet18.safetensors");
        using var network = Ml.Training.SeededInitialisation.Create(17, () => ImageClassifier.Create(ModelCatalog.Spec("resnet18", classes)));
        var tensors = network.state_dict().Select(p =>
        {
            using var contiguous = p.Value.contiguous();
            return new WeightTensor(p.Key, WeightTensor.FromScalarType(contiguous.dtype, p.Key), contiguous.shape, contiguous.bytes.ToArray());
        }).ToList();
        File.WriteAllBytes(path, Safetensors.Write(tensors));
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the checkout.");
    }
}
