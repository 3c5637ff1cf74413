using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// Reads a model's whole stream from the ledger. The registry decisions (next version number, whether a
/// deployment already ended, which version was production before it) are taken from the ledger itself,
/// not from the read model, so they hold even when a projection lags or is being rebuilt.
/// </summary>
public static class ModelHistory
{
    private const int Page = 500;

    /// <summary>Every entry of <paramref name="streamId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> ReadAllAsync(IAuditLedger ledger, string streamId, CancellationToken cancellationToken)
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

    /// <summary>The production version after each entry, folded from alias events in order (null: none).</summary>
    public static int? ProductionAfter(IEnumerable<LedgerEntry> entries, string alias = Aliases.Production)
    {
        ArgumentNullException.ThrowIfNull(entries);
        int? production = null;
        foreach (var entry in entries)
        {
            production = entry.Data switch
            {
                ModelDeployed d when d.Alias == alias && d.CanaryShare >= 1 => d.Version,
                ModelPromoted p when p.Alias == alias => p.Version,
                ModelAliasChanged a when a.Alias == alias => a.Version,
                ModelRolledBack r when r.Alias == alias => r.ToVersion > 0 ? r.ToVersion : production,
                ModelDecommissioned d when d.Version == production => null,
                _ => production,
            };
        }

        return production;
    }
}

/// <summary>The alias names the service itself manages.</summary>
public static class Aliases
{
    /// <summary>The alias serving all traffic (a canary takes a share of it while being watched).</summary>
    public const string Production = "production";
}
