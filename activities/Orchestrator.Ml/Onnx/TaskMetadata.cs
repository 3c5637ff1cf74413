using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation.MultiLabel;

namespace Orchestrator.Ml.Onnx;

/// <summary>
/// What kind of answer an exported model gives, written into its ONNX metadata beside the class names: absent for
/// single-label models (files exported before multi-label existed read as single-label), "multi-label" with each label's
/// decision threshold (chosen on the validation split) for multi-label ones. Evaluation and serving read the task and the
/// thresholds from the file they run, so a model version and its thresholds cannot be separated.
/// </summary>
public static class TaskMetadata
{
    /// <summary>The metadata key of the task ("multi-label"; absent: single-label).</summary>
    public const string TaskKey = "model.task";

    /// <summary>The metadata key of a multi-label model's thresholds: a JSON array of <see cref="LabelThreshold"/> in label order.</summary>
    public const string ThresholdsKey = "model.thresholds";

    /// <summary>The task value of a multi-label model.</summary>
    public const string MultiLabel = "multi-label";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>The metadata a multi-label model's file carries; one threshold per label, in label order.</summary>
    public static IReadOnlyDictionary<string, string> ForMultiLabel(IReadOnlyList<LabelThreshold> thresholds, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        Check(thresholds, labelCount);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TaskKey] = MultiLabel,
            [ThresholdsKey] = JsonSerializer.Serialize(thresholds, Json),
        };
    }

    /// <summary>
    /// The task and (multi-label) thresholds recorded in <paramref name="metadata"/>. Throws <see cref="InvalidDataException"/> on an
    /// unknown task or a multi-label model whose thresholds are missing, malformed, not one per label or outside [0, 1]: such a file
    /// cannot be answered for.
    /// </summary>
    public static (TaskKind Task, IReadOnlyList<LabelThreshold>? Thresholds) Read(IReadOnlyDictionary<string, string> metadata, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(TaskKey, out var task))
        {
            return (TaskKind.SingleLabel, null);
        }

        if (task != MultiLabel)
        {
            throw new InvalidDataException($"The model's metadata names the task '{task}'; only '{MultiLabel}' (or none, single-label) is known.");
        }

        LabelThreshold[]? thresholds;
        try
        {
            thresholds = metadata.TryGetValue(ThresholdsKey, out var text) ? JsonSerializer.Deserialize<LabelThreshold[]>(text, Json) : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The multi-label model's '{ThresholdsKey}' metadata is not a list of thresholds: {e.Message}", e);
        }

        if (thresholds is null)
        {
            throw new InvalidDataException($"The multi-label model carries no '{ThresholdsKey}' metadata: without its thresholds it cannot decide any label.");
        }

        try
        {
            Check(thresholds, labelCount);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        return (TaskKind.MultiLabel, thresholds);
    }

    private static void Check(IReadOnlyList<LabelThreshold> thresholds, int labelCount)
    {
        if (thresholds.Count != labelCount)
        {
            throw new ArgumentException($"{thresholds.Count} thresholds for a model with {labelCount} labels; give one per label.", nameof(thresholds));
        }

        for (var k = 0; k < thresholds.Count; k++)
        {
            if (thresholds[k] is null || thresholds[k].Label != k || !(thresholds[k].Threshold is >= 0 and <= 1))
            {
                throw new ArgumentException($"Threshold {k} is {(thresholds[k] is null ? "missing" : $"for label {thresholds[k].Label} with value {thresholds[k].Threshold}")}; each label needs its own threshold in [0, 1], in label order.", nameof(thresholds));
            }
        }
    }
}
