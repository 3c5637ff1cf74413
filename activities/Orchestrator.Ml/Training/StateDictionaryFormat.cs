using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// A small, explicit binary format for model weights (name, dtype, shape, raw bytes per tensor), so
/// checkpoints do not depend on TorchSharp's internal file layout and can be inspected or ported.
/// </summary>
internal static class StateDictionaryFormat
{
    public static void Write(BinaryWriter writer, IReadOnlyDictionary<string, Tensor> state)
    {
        writer.Write(state.Count);
        foreach (var (name, tensor) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write(cpu.shape.Length);
            foreach (var d in cpu.shape)
            {
                writer.Write(d);
            }

            var bytes = cpu.bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>Reads tensors (on the CPU) keyed by name.</summary>
    public static Dictionary<string, Tensor> Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var result = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var dtype = (ScalarType)reader.ReadInt32();
            var shape = new long[reader.ReadInt32()];
            for (var d = 0; d < shape.Length; d++)
            {
                shape[d] = reader.ReadInt64();
            }

            var bytes = reader.ReadBytes(reader.ReadInt32());
            var tensor = empty(shape, dtype);
            bytes.CopyTo(tensor.bytes);
            result[name] = tensor;
        }

        return result;
    }

    /// <summary>Copies <paramref name="source"/> into the module's tensors; names and shapes must match exactly unless skipped.</summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, Func<string, bool>? skip = null)
    {
        using var noGrad = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            if (skip?.Invoke(name) == true)
            {
                continue;
            }

            if (!source.TryGetValue(name, out var value))
            {
                throw new InvalidDataException($"The checkpoint has no tensor '{name}'.");
            }

            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException($"Tensor '{name}' is [{string.Join(',', value.shape)}] in the checkpoint, [{string.Join(',', target.shape)}] in the model.");
            }

            target.copy_(value);
        }
    }

    /// <summary>Detached copies of the module's tensors (e.g. the best epoch's weights).</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);
}
