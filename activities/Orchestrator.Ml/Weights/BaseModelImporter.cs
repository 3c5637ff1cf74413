using Orchestrator.Ml.Models;

namespace Orchestrator.Ml.Weights;

/// <summary>How an import treats the head and which preprocessing it records.</summary>
public sealed record ImportOptions
{
    /// <summary>Replace the head even when the class count is unchanged (the classes differ or are reordered).</summary>
    public bool ReplaceHead { get; init; }

    /// <summary>Seed a replaced head's weights are drawn with.</summary>
    public long HeadSeed { get; init; }

    /// <summary>The input contract to record; default torchvision's ImageNet preset at the architecture's input size.</summary>
    public Preprocessing? Preprocessing { get; init; }
}

/// <summary>
/// Imports pretrained weights for a base model: reads a safetensors file, a sharded safetensors checkpoint
/// (*.safetensors.index.json beside its shards) or a PyTorch .pt/.pth state dict, in float32, float16 or
/// bfloat16; checks every key and shape against the architecture and refuses a checkpoint that does not
/// fit (<see cref="WeightsMismatchException"/> naming the first bad key); computes the digest; and decides
/// the head: kept when the class count matches, re-initialised when it differs or when asked to.
/// </summary>
public static class BaseModelImporter
{
    /// <summary>
    /// Imports the checkpoint at <paramref name="path"/> for the catalogue architecture
    /// <paramref name="architecture"/> ("resnet18", "resnet34", "resnet50", "mobilenet_v3_small", ...) with
    /// <paramref name="numClasses"/> classes; null keeps the checkpoint's own class count (registering a base model).
    /// </summary>
    /// <exception cref="ArgumentException">The architecture name is unknown.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or in an unsupported format.</exception>
    /// <exception cref="WeightsMismatchException">The checkpoint does not fit the architecture.</exception>
    public static ImportedWeights Import(string path, string architecture, int? numClasses = null, ImportOptions? options = null)
    {
        var file = WeightsFile.Read(path);
        return Import(file, ResolveSpec(architecture, numClasses, file), options);
    }

    /// <summary>Imports the checkpoint at <paramref name="path"/> for <paramref name="spec"/> (any layout, its class count).</summary>
    public static ImportedWeights Import(string path, ModelSpec spec, ImportOptions? options = null) =>
        Import(WeightsFile.Read(path), spec, options);

    /// <summary>Imports safetensors bytes, e.g. an <see cref="ImportedWeights.Canonical"/> stored earlier, for <paramref name="spec"/>.</summary>
    public static ImportedWeights Import(ReadOnlyMemory<byte> safetensors, ModelSpec spec, ImportOptions? options = null)
    {
        var digest = Contracts.Digest.Of(safetensors.Span).ToString();
        var content = Safetensors.Read(safetensors, digest);
        return Import(new WeightsFile(WeightsFormat.Safetensors, content.Tensors, [new WeightsSourceFile(digest, digest, safetensors.Length)]), spec, options);
    }

    /// <summary>Checks <paramref name="file"/> against <paramref name="spec"/> and decides the head.</summary>
    public static ImportedWeights Import(WeightsFile file, ModelSpec spec, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new ImportOptions();
        spec.Validate();
        var preprocessing = options.Preprocessing ?? Preprocessing.TorchvisionImageNet(spec.InputSize);
        if (preprocessing.InputSize != spec.InputSize)
        {
            throw new ArgumentException($"Preprocessing for {preprocessing.InputSize}-pixel inputs, but the network takes {spec.InputSize}.", nameof(options));
        }

        var name = ModelCatalog.NameOf(spec) ?? spec.ToString();
        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        int sourceClasses;
        long parameterCount;
        using (var model = ImageClassifier.Create(spec))
        {
            sourceClasses = WeightsCheck.Verify(model, byName, name);
            parameterCount = model.named_parameters().Sum(p => byName[p.name].ElementCount);
            var replace = options.ReplaceHead || sourceClasses != spec.NumClasses;
            var head = replace
                ? new HeadReplacement(sourceClasses, spec.NumClasses, options.HeadSeed, [.. model.state_dict().Keys.Where(model.IsHeadKey)])
                : null;

            // The tensors are kept as views into the canonical bytes: one copy of the weights in memory.
            var canonical = Safetensors.Write(file.Tensors);
            var stored = Safetensors.Read(canonical, "canonical").Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            return new ImportedWeights(spec, file.Format, canonical, stored, file.Files, parameterCount, sourceClasses, head, preprocessing);
        }
    }

    // With no class count given, the checkpoint's head decides it (read from the head weight's first dimension).
    private static ModelSpec ResolveSpec(string architecture, int? numClasses, WeightsFile file)
    {
        var probe = ModelCatalog.Spec(architecture, 2);
        var headWeight = ImageClassifier.HeadKeyPrefixOf(probe.Architecture) + "weight";
        var classes = numClasses
            ?? file.Tensors.FirstOrDefault(t => t.Name == headWeight && t.Shape.Count == 2)?.Shape[0]
            ?? throw new WeightsMismatchException(headWeight, WeightsProblem.MissingKey, 1,
                $"The weights do not fit {architecture}: the checkpoint has no 2-dimensional '{headWeight}' to take the class count from.");
        return ModelCatalog.Spec(architecture, checked((int)classes));
    }
}
