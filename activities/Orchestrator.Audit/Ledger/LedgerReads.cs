namespace Orchestrator.Audit.Ledger;

/// <summary>Whole-stream reads over <see cref="IAuditLedger"/>'s pages: the one paging loop of the callers that fold a stream.</summary>
public static class LedgerReads
{
    private const int Page = 500;

    /// <summary>Every entry of <paramref name="streamId"/>, oldest first (empty for a stream nothing was recorded in).</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> ReadAllAsync(this IAuditLedger ledger, string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var entries = new List<LedgerEntry>();
        while (true)
        {
            var page = await ledger.ReadStreamAsync(streamId, entries.Count + 1, Page, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page);
            if (page.Count < Page)
            {
                return entries;
            }
        }
    }
}
