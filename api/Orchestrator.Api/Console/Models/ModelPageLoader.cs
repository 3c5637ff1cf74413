using Orchestrator.Api.Console.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Api.Console.Models;

/// <summary>One drift statistic of one version over time, with the threshold it was measured against.</summary>
public sealed record DriftSeries(int Version, string Statistic, double Threshold, IReadOnlyList<(DateTimeOffset At, double Value)> Points, int Detections);

/// <summary>What the model page shows: the registry entry (as GET /api/models/{name} answers), the canary's history, drift over time and the stream.</summary>
public sealed record ModelPageView(ModelRegistryEntry Model, IReadOnlyList<TimelineEntry> Canary, IReadOnlyList<DriftSeries> Drift, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>Reads a model's registry entry and its stream for the model page.</summary>
public sealed class ModelPageLoader(AuditReadModels readModels, IAuditLedger ledger)
{
    private const int Page = 500;

    /// <summary>The newest entries the page lists (drift measurements accumulate; the charts use them all).</summary>
    private const int TimelineLength = 200;

    public async Task<ModelPageView?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        if (!Orchestrator.Api.RequestRules.IsName(name) || await readModels.ModelAsync(AuditStreams.Model(name), cancellationToken) is not { } model)
        {
            return null;
        }

        var entries = new List<LedgerEntry>();
        while (true)
        {
            var page = await ledger.ReadStreamAsync(model.Id, entries.Count + 1, Page, cancellationToken);
            entries.AddRange(page);
            if (page.Count < Page)
            {
                break;
            }
        }

        var canary = entries.Where(e => e.Data is ModelDeployed or ModelPromoted or ModelRolledBack or ModelAliasChanged).Select(Timeline.From).ToList();
        var detections = entries.Select(e => e.Data).OfType<DriftDetected>().ToList();
        var drift = entries.Where(e => e.Data is DriftMeasured)
            .GroupBy(e => (((DriftMeasured)e.Data).Version, ((DriftMeasured)e.Data).Statistic))
            .OrderBy(g => g.Key.Version).ThenBy(g => g.Key.Statistic, StringComparer.Ordinal)
            .Select(g => new DriftSeries(g.Key.Version, g.Key.Statistic, ((DriftMeasured)g.Last().Data).Threshold,
                [.. g.Select(e => (e.RecordedAt, ((DriftMeasured)e.Data).Value))],
                detections.Count(d => d.Version == g.Key.Version && d.Statistic == g.Key.Statistic)))
            .ToList();
        return new ModelPageView(model, canary, drift, [.. entries.TakeLast(TimelineLength).Reverse().Select(Timeline.From)]);
    }
}
