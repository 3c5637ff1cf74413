namespace Orchestrator.Audit.Events.BaseModels;

// The events of a base model's stream (AuditStreams.BaseModel): pretrained weights registered for runs to
// fine-tune from. Shipped events are never renamed or reshaped (docs/audit-ledger.md, "Versioning").

/// <summary>
/// Pretrained weights were imported as a base model: every key and shape checked against <paramref name="Architecture"/>, the
/// canonical weights stored under <paramref name="WeightsDigest"/>. Recorded once per name; the registering user is the entry's actor.
/// </summary>
/// <param name="Name">The base model's name, which runs use.</param>
/// <param name="Architecture">The catalogue architecture ("resnet18", ...) the weights fit.</param>
/// <param name="ModelSpec">The network's specification as text (the head's class count is the checkpoint's).</param>
/// <param name="WeightsDigest">"sha256:..." of the canonical weights (format-independent; also the artifact's digest).</param>
/// <param name="WeightsUri">Where the canonical weights are stored.</param>
/// <param name="Location">The weights file as given (a local path or blob:// location).</param>
/// <param name="Format">The container read: Safetensors, ShardedSafetensors or PyTorch.</param>
/// <param name="SourceFiles">Every file read ("name=sha256:..."), the provenance of the bytes.</param>
/// <param name="Source">Where the weights come from (the registrant's statement, e.g. a URL or "torchvision IMAGENET1K_V1").</param>
/// <param name="Licence">The weights' licence (the registrant's statement).</param>
/// <param name="Description">What the weights are, or null.</param>
/// <param name="SourceClasses">Classes of the checkpoint's own head.</param>
/// <param name="KeyCount">Tensors in the checkpoint.</param>
/// <param name="ParameterCount">Parameter elements.</param>
/// <param name="StoredTypes">The floating-point element types the weights were stored in (e.g. "F16").</param>
/// <param name="Preprocessing">The input contract the weights expect, as the ONNX metadata spells it (preprocessing.*): resize, crop, mean, std.</param>
public sealed record BaseModelRegistered(
    string Name,
    string Architecture,
    string ModelSpec,
    string WeightsDigest,
    string WeightsUri,
    string Location,
    string Format,
    IReadOnlyList<string> SourceFiles,
    string Source,
    string Licence,
    string? Description,
    int SourceClasses,
    int KeyCount,
    long ParameterCount,
    IReadOnlyList<string> StoredTypes,
    IReadOnlyDictionary<string, string> Preprocessing);
