using System.Globalization;
using Orchestrator.Ml.Models;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Weights;

/// <summary>The head of an imported checkpoint given fresh weights for a different class set.</summary>
/// <param name="SourceClasses">Classes of the checkpoint's head.</param>
/// <param name="TargetClasses">Classes of the new head.</param>
/// <param name="Seed">Seed the new head's weights were drawn with.</param>
/// <param name="Keys">The state-dict keys replaced (e.g. fc.weight, fc.bias).</param>
public sealed record HeadReplacement(int SourceClasses, int TargetClasses, long Seed, IReadOnlyList<string> Keys);

/// <summary>
/// A checkpoint that fits its architecture, key for key and shape for shape: the facts to record about it
/// and the network it makes. <see cref="Canonical"/> holds the checkpoint's tensors as they were stored
/// (element types included) in canonical safetensors form, whatever the source format; <see cref="Digest"/>
/// is its SHA-256, so the same weights have the same digest from a .pt, a .safetensors or shards, and the
/// bytes can be stored by that digest and imported again (<see cref="BaseModelImporter.Import(ReadOnlyMemory{byte}, ModelSpec, ImportOptions?)"/>).
/// </summary>
public sealed class ImportedWeights
{
    private readonly IReadOnlyDictionary<string, WeightTensor> tensors;

    internal ImportedWeights(ModelSpec architecture, WeightsFormat format, ReadOnlyMemory<byte> canonical, IReadOnlyDictionary<string, WeightTensor> tensors,
        IReadOnlyList<WeightsSourceFile> files, long parameterCount, int sourceClasses, HeadReplacement? head, Preprocessing preprocessing)
    {
        Architecture = architecture;
        Format = format;
        Canonical = canonical;
        this.tensors = tensors;
        Files = files;
        ParameterCount = parameterCount;
        SourceClasses = sourceClasses;
        Head = head;
        Preprocessing = preprocessing;
        Digest = Contracts.Digest.Of(canonical.Span).ToString();
    }

    /// <summary>The network the weights were checked against and <see cref="CreateModel"/> builds.</summary>
    public ModelSpec Architecture { get; }

    /// <summary>The catalogue name of <see cref="Architecture"/> ("resnet50", ...), or null for another layout.</summary>
    public string? ArchitectureName => ModelCatalog.NameOf(Architecture);

    /// <summary>The container the checkpoint came in.</summary>
    public WeightsFormat Format { get; }

    /// <summary>"sha256:..." of <see cref="Canonical"/>: the identity of the weights.</summary>
    public string Digest { get; }

    /// <summary>The checkpoint's tensors in canonical safetensors form (sorted, stored element types, no metadata).</summary>
    public ReadOnlyMemory<byte> Canonical { get; }

    /// <summary>The files read (one, or the index and its shards), each with its own SHA-256.</summary>
    public IReadOnlyList<WeightsSourceFile> Files { get; }

    /// <summary>Tensors in the checkpoint (parameters and buffers, num_batches_tracked included).</summary>
    public int KeyCount => tensors.Count;

    /// <summary>Elements of the checkpoint's parameters (batch-norm statistics and counters excluded).</summary>
    public long ParameterCount { get; }

    /// <summary>Elements of every tensor in the checkpoint, buffers included.</summary>
    public long ElementCount => tensors.Values.Sum(t => t.ElementCount);

    /// <summary>Classes of the checkpoint's own head.</summary>
    public int SourceClasses { get; }

    /// <summary>The element types the floating-point weights were stored in (e.g. [F16]).</summary>
    public IReadOnlyList<WeightDtype> StoredTypes =>
        [.. tensors.Values.Where(t => t.IsFloatingPoint).Select(t => t.Dtype).Distinct().Order()];

    /// <summary>The head replacement, or null when the checkpoint's head is kept.</summary>
    public HeadReplacement? Head { get; }

    /// <summary>The input contract the weights expect: resize, centre crop, mean and std.</summary>
    public Preprocessing Preprocessing { get; }

    /// <summary>
    /// A network of <see cref="Architecture"/> carrying the weights (converted to float32), with a freshly
    /// initialised head when <see cref="Head"/> says so; in eval mode, on the CPU.
    /// </summary>
    public ImageClassifier CreateModel()
    {
        var model = ImageClassifier.Create(Architecture);
        try
        {
            using (no_grad())
            {
                foreach (var (key, target) in model.state_dict())
                {
                    if (Head is not null && model.IsHeadKey(key))
                    {
                        continue;
                    }

                    using var value = tensors[key].ToTensor(target.dtype);
                    target.copy_(value);
                }
            }

            if (Head is not null)
            {
                using var generator = new Generator(unchecked((ulong)Head.Seed));
                model.ResetHead(generator);
            }

            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The facts of the import as strings, e.g. for a ledger entry's details.</summary>
    public IReadOnlyDictionary<string, string> Describe()
    {
        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["architecture"] = ArchitectureName ?? Architecture.ToString(),
            ["model-spec"] = Architecture.ToString(),
            ["format"] = Format.ToString(),
            ["digest"] = Digest,
            ["files"] = string.Join(' ', Files.Select(f => $"{f.Name}={f.Digest}")),
            ["key-count"] = KeyCount.ToString(CultureInfo.InvariantCulture),
            ["parameter-count"] = ParameterCount.ToString(CultureInfo.InvariantCulture),
            ["element-count"] = ElementCount.ToString(CultureInfo.InvariantCulture),
            ["stored-as"] = string.Join(',', StoredTypes),
            ["source-classes"] = SourceClasses.ToString(CultureInfo.InvariantCulture),
            ["head"] = Head is null
                ? "kept"
                : string.Create(CultureInfo.InvariantCulture, $"replaced: {Head.SourceClasses} -> {Head.TargetClasses} classes, seed {Head.Seed}, keys {string.Join(',', Head.Keys)}"),
        };
        foreach (var (key, value) in Preprocessing.ToMetadata())
        {
            facts[key] = value;
        }

        return facts;
    }
}
