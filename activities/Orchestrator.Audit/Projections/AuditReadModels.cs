using Marten;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Projections;

/// <summary>Filters for listing runs; null members do not filter.</summary>
/// <param name="Status">Only runs in this status.</param>
/// <param name="ModelName">Only runs training this model.</param>
/// <param name="RequestedBy">Only runs requested by this identity.</param>
/// <param name="RequestedFrom">Only runs requested at or after this instant.</param>
/// <param name="RequestedTo">Only runs requested before this instant.</param>
public sealed record RunFilter(RunStatus? Status = null, string? ModelName = null, string? RequestedBy = null, DateTimeOffset? RequestedFrom = null, DateTimeOffset? RequestedTo = null);

/// <summary>Queries over the read models the projections maintain (run summaries, the model registry).</summary>
public sealed class AuditReadModels(LedgerDatabase database)
{
    /// <summary>One page of run summaries, newest request first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunFilter filter, int skip = 0, int take = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        await using var session = database.Store.QuerySession();
        IQueryable<RunSummary> query = session.Query<RunSummary>();
        if (filter.Status is { } status)
        {
            query = query.Where(r => r.Status == status);
        }

        if (filter.ModelName is { } model)
        {
            query = query.Where(r => r.ModelName == model);
        }

        if (filter.RequestedBy is { } requester)
        {
            query = query.Where(r => r.RequestedBy == requester);
        }

        if (filter.RequestedFrom is { } from)
        {
            query = query.Where(r => r.RequestedAt >= from);
        }

        if (filter.RequestedTo is { } to)
        {
            query = query.Where(r => r.RequestedAt < to);
        }

        return await query.OrderByDescending(r => r.RequestedAt).Skip(skip).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run summary of a run stream, or null.</summary>
    public async Task<RunSummary?> RunAsync(string streamId, CancellationToken cancellationToken = default)
    {
        await using var session = database.Store.QuerySession();
        return await session.LoadAsync<RunSummary>(streamId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The registry entry of a model stream, or null.</summary>
    public async Task<ModelRegistryEntry?> ModelAsync(string streamId, CancellationToken cancellationToken = default)
    {
        await using var session = database.Store.QuerySession();
        return await session.LoadAsync<ModelRegistryEntry>(streamId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every model in the registry, by name.</summary>
    public async Task<IReadOnlyList<ModelRegistryEntry>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        await using var session = database.Store.QuerySession();
        return await session.Query<ModelRegistryEntry>().OrderBy(m => m.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}
