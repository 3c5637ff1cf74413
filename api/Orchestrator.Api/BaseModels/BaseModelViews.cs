using Orchestrator.Operations.BaseModels;

namespace Orchestrator.Api.BaseModels;

/// <summary>One registered base model in a listing (GET /api/base-models/{name} shows the whole registration).</summary>
/// <param name="Name">The name runs use.</param>
/// <param name="Architecture">The catalogue architecture the weights fit.</param>
/// <param name="WeightsDigest">"sha256:..." of the canonical weights a run pins.</param>
/// <param name="Format">The file format read: Safetensors, ShardedSafetensors or PyTorch.</param>
/// <param name="Source">Where the weights come from (the registrant's statement).</param>
/// <param name="Licence">Their licence (the registrant's statement).</param>
/// <param name="RegisteredBy">Who registered them.</param>
/// <param name="RegisteredAt">When the ledger recorded it.</param>
public sealed record BaseModelListItem(string Name, string Architecture, string WeightsDigest, string Format, string Source, string Licence, string RegisteredBy, DateTimeOffset RegisteredAt)
{
    public static BaseModelListItem Of(BaseModelRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var r = record.Registration;
        return new(r.Name, r.Architecture, r.WeightsDigest, r.Format, r.Source, r.Licence, record.RegisteredBy, record.RegisteredAt);
    }
}

/// <summary>A page of base models by name; <paramref name="Next"/> is the next page's link, or null on the last page.</summary>
public sealed record BaseModelPage(IReadOnlyList<BaseModelListItem> Items, int Skip, int Take, string? Next);
