using Orchestrator.Audit.Events.BaseModels;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Operations.BaseModels;

/// <summary>
/// The registered base models, read from the ledger itself: every <see cref="BaseModelRegistered"/> entry (one per base-model
/// stream, since a name is registered once), by name. No read model to keep in step: the entries are the registry.
/// </summary>
public sealed class BaseModelList(LedgerDatabase database)
{
    private readonly EntryRows rows = new(database);

    /// <summary>One page of registrations ordered by name: <paramref name="take"/> of them after the first <paramref name="skip"/>.</summary>
    public async Task<IReadOnlyList<BaseModelRecord>> ListAsync(int skip, int take, CancellationToken cancellationToken)
    {
        var entries = await rows.OfTypeAsync(LedgerJson.TypeName(typeof(BaseModelRegistered)), skip, take, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(LedgerJson.ToEntry).Select(BaseModelRecord.From)];
    }
}
