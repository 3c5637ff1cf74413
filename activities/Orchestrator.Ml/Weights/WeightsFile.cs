using System.Collections;
using System.Text.Json;
using Orchestrator.Ml.Data;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Weights;

/// <summary>The container a checkpoint came in.</summary>
public enum WeightsFormat
{
    /// <summary>One .safetensors file.</summary>
    Safetensors,

    /// <summary>A *.safetensors.index.json whose weight_map names the shard holding each tensor.</summary>
    ShardedSafetensors,

    /// <summary>A PyTorch state dict saved by torch.save (.pt/.pth: a zip archive with a pickle).</summary>
    PyTorch,
}

/// <summary>One file a checkpoint was read from, by name (relative to the checkpoint), SHA-256 and size.</summary>
public sealed record WeightsSourceFile(string Name, string Digest, long Length);

/// <summary>
/// A checkpoint read from disk: its tensors (with the element types they were stored in) and the files
/// they came from. The format is told by the name (".safetensors", ".safetensors.index.json", ".pt",
/// ".pth") or, failing that, by the content.
/// </summary>
public sealed record WeightsFile(WeightsFormat Format, IReadOnlyList<WeightTensor> Tensors, IReadOnlyList<WeightsSourceFile> Files)
{
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>Reads the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is damaged, in an unsupported format, or names a tensor twice.</exception>
    public static WeightsFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No weights file at {path}.", path);
        }

        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
        {
            return ReadSharded(path);
        }

        var bytes = File.ReadAllBytes(path);
        var name = Path.GetFileName(path);
        var files = new[] { new WeightsSourceFile(name, Contracts.Digest.Of(bytes).ToString(), bytes.Length) };
        return bytes.AsSpan().StartsWith(ZipMagic)
            ? new WeightsFile(WeightsFormat.PyTorch, ReadPyTorch(bytes, name), files)
            : path.EndsWith(".pt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pth", StringComparison.OrdinalIgnoreCase)
                ? throw new InvalidDataException($"{name} is not a zip archive: PyTorch's legacy (pre-1.6) torch.save format is not supported; re-save it with a current torch.save.")
                : new WeightsFile(WeightsFormat.Safetensors, Unique(Safetensors.Read(bytes, name).Tensors, name), files);
    }

    private static WeightsFile ReadSharded(string indexPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var indexBytes = File.ReadAllBytes(indexPath);
        var indexName = Path.GetFileName(indexPath);
        var weightMap = ReadWeightMap(indexBytes, indexName);
        var files = new List<WeightsSourceFile> { new(indexName, Contracts.Digest.Of(indexBytes).ToString(), indexBytes.Length) };
        var tensors = new List<WeightTensor>();
        foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // Shards sit beside the index: a name with a path in it could reach any file on the worker.
            if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
            {
                throw new InvalidDataException($"{indexName} names shard '{shard}', which is not a file name beside the index.");
            }

            var shardPath = Path.Combine(directory, shard);
            if (!File.Exists(shardPath))
            {
                throw new InvalidDataException($"{indexName} maps tensors to '{shard}', which is not beside it.");
            }

            var bytes = File.ReadAllBytes(shardPath);
            files.Add(new WeightsSourceFile(shard, Contracts.Digest.Of(bytes).ToString(), bytes.Length));
            foreach (var tensor in Safetensors.Read(bytes, shard).Tensors)
            {
                if (!weightMap.TryGetValue(tensor.Name, out var mapped) || mapped != shard)
                {
                    throw new InvalidDataException(mapped is null
                        ? $"Shard {shard} holds '{tensor.Name}', which {indexName} does not list."
                        : $"Shard {shard} holds '{tensor.Name}', which {indexName} places in {mapped}.");
                }

                tensors.Add(tensor);
            }
        }

        var found = tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        if (weightMap.Keys.FirstOrDefault(k => !found.Contains(k)) is { } lost)
        {
            throw new InvalidDataException($"{indexName} places '{lost}' in {weightMap[lost]}, which does not hold it.");
        }

        return new WeightsFile(WeightsFormat.ShardedSafetensors, Unique(tensors, indexName), files);
    }

    private static Dictionary<string, string> ReadWeightMap(byte[] index, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(index);
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{name} has no weight_map object: not a sharded safetensors index.");
            }

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String || !weightMap.TryAdd(entry.Name, entry.Value.GetString()!))
                {
                    throw new InvalidDataException($"{name} maps '{entry.Name}' twice or to something other than a file name.");
                }
            }

            return weightMap;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not JSON: {e.Message}", e);
        }
    }

    // torch.save's zip + pickle, unpickled by TorchSharp.PyBridge; the tensors are copied out and released.
    private static List<WeightTensor> ReadPyTorch(byte[] bytes, string name)
    {
        Hashtable table;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: false, skipTensorRead: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{name} is not a PyTorch state dict TorchSharp.PyBridge can read: {e.Message}", e);
        }

        var tensors = new List<WeightTensor>(table.Count);
        try
        {
            foreach (DictionaryEntry entry in table)
            {
                var key = entry.Key as string ?? throw new InvalidDataException($"{name} has a key that is not a string: {entry.Key}.");
                if (entry.Value is not Tensor tensor)
                {
                    throw new InvalidDataException(
                        $"{name} holds '{key}' as {entry.Value?.GetType().Name ?? "null"}, not a tensor: save model.state_dict() itself, not a dictionary around it.");
                }

                // PyBridge rebuilds a tensor as a strided view over its own storage: only plain row-major
                // tensors (what state_dict() saves) come back intact, so anything else is refused, not guessed at.
                if (!tensor.is_contiguous())
                {
                    throw new InvalidDataException($"{name} stores '{key}' as a non-contiguous view; save a state dict of contiguous tensors.");
                }

                tensors.Add(new WeightTensor(key, WeightTensor.FromScalarType(tensor.dtype, key), tensor.shape, tensor.bytes.ToArray()));
            }
        }
        finally
        {
            foreach (var value in table.Values)
            {
                (value as IDisposable)?.Dispose();
            }
        }

        return tensors;
    }

    private static List<WeightTensor> Unique(IReadOnlyList<WeightTensor> tensors, string source)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name))
            {
                throw new InvalidDataException($"{source} holds '{tensor.Name}' twice.");
            }
        }

        return [.. tensors];
    }
}
