using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Ml.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Everything needed to continue a run after the last finished epoch: model weights, optimiser state,
/// the best weights so far, early-stopping counters and history. Self-describing bytes ("OTCK" v1,
/// a JSON header, then length-prefixed sections) meant to be stored by digest in Blob Storage.
/// </summary>
public sealed class TrainingCheckpoint
{
    private const int Magic = 0x4B43544F;
    private const int FormatVersion = 1;

    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly byte[] bytes;

    private TrainingCheckpoint(CheckpointState state, byte[] bytes)
    {
        State = state;
        this.bytes = bytes;
    }

    /// <summary>Epochs finished when this checkpoint was taken; a resumed run starts at the next one.</summary>
    public int CompletedEpochs => State.CompletedEpochs;

    /// <summary>The architecture the weights belong to.</summary>
    public ModelSpec Spec => State.Spec;

    /// <summary>The preprocessing the network was trained with; null in checkpoints from before it was recorded (they used <see cref="Preprocessing.Centered"/>).</summary>
    public Preprocessing? Preprocessing => State.Preprocessing;

    /// <summary>Per-epoch metrics of every finished epoch (the training curves of the evidence report).</summary>
    public IReadOnlyList<EpochMetrics> History => State.History;

    internal CheckpointState State { get; }

    /// <summary>The serialised checkpoint.</summary>
    public ReadOnlyMemory<byte> Bytes => bytes;

    /// <summary>Parses checkpoint bytes (e.g. downloaded from Blob Storage).</summary>
    public static TrainingCheckpoint Load(ReadOnlyMemory<byte> content)
    {
        var copy = content.ToArray();
        using var reader = new BinaryReader(new MemoryStream(copy, writable: false));
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("Not an Orchestrator training checkpoint (bad magic or version).");
        }

        var header = reader.ReadBytes(reader.ReadInt32());
        var state = JsonSerializer.Deserialize<CheckpointState>(header, Json)
            ?? throw new InvalidDataException("The checkpoint header is empty.");
        return new TrainingCheckpoint(state, copy);
    }

    /// <summary>A network of the checkpoint's spec (any architecture) carrying its final (or, if chosen, best) weights, in eval mode.</summary>
    public ImageClassifier CreateClassifier(bool bestWeights = true)
    {
        var model = ImageClassifier.Create(Spec);
        var sections = ReadSections();
        try
        {
            StateDictionaryFormat.CopyInto(model, bestWeights && sections.Best is not null ? sections.Best : sections.Model);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            DisposeAll(sections.Model);
            DisposeAll(sections.Best);
        }
    }

    /// <summary>
    /// <see cref="CreateClassifier"/> for a checkpoint of the project's own small ResNets (ResNet32, ResNet224),
    /// typed as such; a checkpoint of another architecture is refused.
    /// </summary>
    public ResNet CreateModel(bool bestWeights = true)
    {
        if (Spec.IsTorchvision)
        {
            throw new InvalidOperationException($"The checkpoint holds a {Spec.Architecture}; use CreateClassifier for it.");
        }

        return (ResNet)CreateClassifier(bestWeights);
    }

    internal static TrainingCheckpoint Capture(CheckpointState state, ImageClassifier model, OptimizerHelper optimizer, IReadOnlyDictionary<string, Tensor>? best)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            var header = JsonSerializer.SerializeToUtf8Bytes(state, Json);
            writer.Write(header.Length);
            writer.Write(header);
            StateDictionaryFormat.Write(writer, model.state_dict());
            using var optimizerBytes = new MemoryStream();
            using (var optimizerWriter = new BinaryWriter(optimizerBytes, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(optimizerWriter);
            }

            writer.Write((int)optimizerBytes.Length);
            writer.Write(optimizerBytes.GetBuffer(), 0, (int)optimizerBytes.Length);
            writer.Write(best is not null);
            if (best is not null)
            {
                StateDictionaryFormat.Write(writer, best);
            }
        }

        return new TrainingCheckpoint(state, stream.ToArray());
    }

    /// <summary>Puts the weights and optimiser state back; returns the best weights stored, if any.</summary>
    internal Dictionary<string, Tensor>? Restore(ImageClassifier model, OptimizerHelper optimizer)
    {
        var sections = ReadSections();
        StateDictionaryFormat.CopyInto(model, sections.Model);
        DisposeAll(sections.Model);
        using var reader = new BinaryReader(new MemoryStream(sections.Optimizer, writable: false));
        optimizer.load_state_dict(reader);
        return sections.Best;
    }

    private (Dictionary<string, Tensor> Model, byte[] Optimizer, Dictionary<string, Tensor>? Best) ReadSections()
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        reader.ReadInt32();
        reader.ReadInt32();
        reader.BaseStream.Seek(reader.ReadInt32(), SeekOrigin.Current);
        var model = StateDictionaryFormat.Read(reader);
        var optimizer = reader.ReadBytes(reader.ReadInt32());
        var best = reader.ReadBoolean() ? StateDictionaryFormat.Read(reader) : null;
        return (model, optimizer, best);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var tensor in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
    }
}

/// <summary>The trainer's bookkeeping between epochs (the checkpoint's JSON header).</summary>
internal sealed record CheckpointState(
    ModelSpec Spec,
    TrainingOptions Options,
    int CompletedEpochs,
    double BestValidationLoss,
    int BestEpoch,
    int EpochsWithoutImprovement,
    IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The input contract the weights were trained with (absent from checkpoints written before it was recorded).</summary>
    public Preprocessing? Preprocessing { get; init; }
}
