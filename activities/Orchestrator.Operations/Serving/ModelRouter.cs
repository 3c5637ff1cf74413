using Orchestrator.Operations.Models;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Operations.Serving;

/// <summary>Why a request is or is not served.</summary>
public enum RouteKind
{
    /// <summary>Serve with <see cref="RouteDecision.Version"/>.</summary>
    Serve,

    /// <summary>No such model, no such version, or nothing deployed (404).</summary>
    NotFound,

    /// <summary>The version was decommissioned (410, naming the successor).</summary>
    Gone,

    /// <summary>Serving of the model is halted by an emergency stop (503 with the reason).</summary>
    Stopped,

    /// <summary>The version exists but was never approved for serving (409).</summary>
    NotApproved,
}

/// <summary>Where a predict request goes; <paramref name="Detail"/> is the caller-facing explanation of a refusal.</summary>
public sealed record RouteDecision(RouteKind Kind, ModelVersionRecord? Version, string Route, string Detail, int? Successor = null);

/// <summary>
/// The pure routing decision over the registry entry: emergency stop first, then the requested version
/// (pinned) or the production alias with its canary share. A draw in [0,1) decides the
/// canary split, so the decision is testable and the caller owns the randomness.
/// </summary>
public static class ModelRouter
{
    public static RouteDecision Resolve(ModelRegistryEntry? entry, string model, int? requested, double draw)
    {
        if (entry is null || entry.Versions.Count == 0)
        {
            return new RouteDecision(RouteKind.NotFound, null, "", $"No model '{model}' is registered.");
        }

        if (entry.Stopped)
        {
            return new RouteDecision(RouteKind.Stopped, null, "", $"Serving of model '{model}' is stopped: {entry.StopReason}");
        }

        entry.Aliases.TryGetValue(ModelState.ProductionAlias, out var alias);
        if (requested is { } pinned)
        {
            var record = entry.Find(pinned);
            return record switch
            {
                null => new RouteDecision(RouteKind.NotFound, null, "", $"Model '{model}' has no version {pinned}."),
                { Status: ModelVersionStatus.Decommissioned } => Gone(model, record, alias),
                { Approvals.Count: 0 } => new RouteDecision(RouteKind.NotApproved, record, "", $"Model '{model}' version {pinned} was never approved for serving."),
                _ => new RouteDecision(RouteKind.Serve, record, "pinned", ""),
            };
        }

        var canary = alias?.CanaryVersion is { } c ? entry.Find(c) : null;
        var production = alias?.Version is { } p ? entry.Find(p) : null;
        if (canary is not null && (production is null || draw < alias!.CanaryShare))
        {
            return new RouteDecision(RouteKind.Serve, canary, "canary", "");
        }

        return production is not null
            ? new RouteDecision(RouteKind.Serve, production, "production", "")
            : new RouteDecision(RouteKind.NotFound, null, "", $"Model '{model}' has no version deployed to production.");
    }

    private static RouteDecision Gone(string model, ModelVersionRecord record, ModelAlias? alias)
    {
        var successor = alias?.Version is { } p && p != record.Version ? p : (int?)null;
        var next = successor is { } s ? $"; its successor is version {s} (POST /api/models/{model}/predict)" : "; no successor is in production";
        return new RouteDecision(RouteKind.Gone, record, "", $"Model '{model}' version {record.Version} was decommissioned{next}.", successor);
    }
}
