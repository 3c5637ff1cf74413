using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>The reads the demo makes repeatedly: a run, a model, a stream's entries.</summary>
public static class DemoApi
{
    /// <summary>GET /api/runs/{id}: the run detail.</summary>
    public static Task<JsonElement> RunAsync(ApiClient api, string runId, CancellationToken cancellationToken) =>
        api.GetAsync($"/api/runs/{Uri.EscapeDataString(runId)}", cancellationToken);

    /// <summary>GET /api/models/{name}: the registry entry.</summary>
    public static Task<JsonElement> ModelAsync(ApiClient api, string model, CancellationToken cancellationToken) =>
        api.GetAsync($"/api/models/{Uri.EscapeDataString(model)}", cancellationToken);

    /// <summary>Every entry of a stream, oldest first.</summary>
    public static async Task<List<JsonElement>> StreamAsync(ApiClient api, string streamId, CancellationToken cancellationToken)
    {
        var entries = new List<JsonElement>();
        while (true)
        {
            var page = await api.GetAsync($"/api/audit/streams/{Uri.EscapeDataString(streamId)}/events?from={entries.Count + 1}&limit=500", cancellationToken);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            entries.AddRange(items);
            if (items.Count < 500)
            {
                return entries;
            }
        }
    }

    /// <summary>The production alias of a registry entry: (version, canary version), nulls when absent.</summary>
    public static (int? Version, int? Canary) Production(JsonElement model)
    {
        if (!model.TryGetProperty("aliases", out var aliases) || !aliases.TryGetProperty("production", out var alias))
        {
            return (null, null);
        }

        return (Whole(alias, "version"), Whole(alias, "canaryVersion"));
    }

    /// <summary>The status of version <paramref name="version"/> in a registry entry ("Deployed", "Decommissioned", ...).</summary>
    public static string? VersionStatus(JsonElement model, int version) =>
        model.GetProperty("versions").EnumerateArray().Where(v => Whole(v, "version") == version).Select(v => Str(v, "status")).FirstOrDefault();

    /// <summary>An integer property, or null.</summary>
    public static int? Whole(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
