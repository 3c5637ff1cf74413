using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// Sends predict requests to a model's production endpoint (the canary split applies) and counts which
/// version and route answered, so the demo can show that canary health was judged on real requests.
/// </summary>
/// <remarks>
/// Several small requests per call rather than one large batch: the canary's p95 latency is judged per
/// request, so a handful of big requests would let the first (cold) inference of a new version dominate it.
/// </remarks>
public sealed class CanaryTraffic(ApiClient api, string model, DemoImages images, int batch, int requests = 1)
{
    private readonly Dictionary<string, int> _served = new(StringComparer.Ordinal);

    /// <summary>Images served so far per "v{version} {route}".</summary>
    public IReadOnlyDictionary<string, int> Served => _served;

    /// <summary>Images the version <paramref name="version"/> served as the canary.</summary>
    public int CanaryServed(int version) => _served.GetValueOrDefault($"v{version} canary");

    /// <summary>
    /// Sends traffic on every progress tick until run <paramref name="runId"/> completes, logs what was served and
    /// returns the model's production and canary versions then. Traffic flows from the moment the approvals are in,
    /// whatever the stage reads: the ledger's stage lags the canary's start, and a canary judged on a handful of
    /// requests is judged on noise.
    /// </summary>
    public async Task<(int? Production, int? Canary)> UntilRunCompletesAsync(DemoLog log, string runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await RunProgress.UntilAsync(api, log, runId, d => RunProgress.Status(d) == "completed", timeout, cancellationToken,
            tick: async _ => await SendAsync(cancellationToken));
        log.Info($"served: {Summary()}");
        return DemoApi.Production(await DemoApi.ModelAsync(api, model, cancellationToken));
    }

    /// <summary>Sends the configured number of requests; false while nothing is deployed yet (404), which is expected just before the canary starts.</summary>
    public async Task<bool> SendAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < requests; i++)
        {
            if (!await SendOneAsync(cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<bool> SendOneAsync(CancellationToken cancellationToken)
    {
        JsonElement answer;
        try
        {
            answer = await api.PostAsync($"/api/models/{Uri.EscapeDataString(model)}/predict", images.NextBatch(batch), cancellationToken);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotFoundOrConflict)
        {
            return false;
        }

        var key = $"v{DemoApi.Whole(answer, "version")} {Str(answer, "route")}";
        _served[key] = _served.GetValueOrDefault(key) + answer.GetProperty("predictions").GetArrayLength();
        return true;
    }

    /// <summary>"v1 canary: 96 images, v2 production: 8 images".</summary>
    public string Summary() =>
        _served.Count == 0 ? "no image was served" : string.Join(", ", _served.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value} images"));
}
