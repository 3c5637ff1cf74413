using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Replay;

/// <summary>
/// "What did we know at time T": the state of a run or a model folded from its stream up to a version
/// or an instant (the ledger's recording time), straight from the ledger, not from the read models.
/// </summary>
public sealed class LedgerReplay(LedgerDatabase database)
{
    private const int PageSize = 1000;
    private readonly EntryRows _rows = new(database);

    /// <summary>The run's state after <paramref name="atVersion"/> and/or at <paramref name="at"/> (both optional); null when nothing was recorded by then.</summary>
    public Task<RunSummary?> RunAsync(string streamId, long? atVersion = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        FoldAsync(streamId, atVersion, at, new RunSummary { Id = streamId }, RunFold.Apply, cancellationToken);

    /// <summary>The model's state after <paramref name="atVersion"/> and/or at <paramref name="at"/> (both optional); null when nothing was recorded by then.</summary>
    public Task<ModelRegistryEntry?> ModelAsync(string streamId, long? atVersion = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        FoldAsync(streamId, atVersion, at, new ModelRegistryEntry { Id = streamId }, ModelFold.Apply, cancellationToken);

    private async Task<T?> FoldAsync<T>(string streamId, long? atVersion, DateTimeOffset? at, T initial, Func<T, object, EntryMeta, T> apply, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        var state = initial;
        var any = false;
        var from = 1L;
        while (true)
        {
            var page = await _rows.StreamAsync(streamId, from, PageSize, at, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page)
            {
                if (atVersion is { } last && stored.Version > last)
                {
                    return any ? state : null;
                }

                var entry = LedgerJson.ToEntry(stored);
                state = apply(state, entry.Data, new EntryMeta(entry.StreamId, entry.Version, entry.RecordedAt, entry.Context.Actor, entry.Hash));
                any = true;
            }

            if (page.Count < PageSize)
            {
                return any ? state : null;
            }

            from = page[^1].Version + 1;
        }
    }
}
