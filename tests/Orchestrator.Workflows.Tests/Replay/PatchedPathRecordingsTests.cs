using System.Text;
using System.Text.Json;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// A replayed history proves a patched path replays only if the recording took that path: each recording of a patched path
/// carries the patch's marker (payloads are base64 in the JSON, so the marker is decoded, not searched for as text).
/// </summary>
public sealed class PatchedPathRecordingsTests
{
    public static TheoryData<string, string> PatchedPaths { get; } = new()
    {
        { "gold-audit-human", Patches.HumanGoldAudit },
        { "canary-held-promoted", Patches.CanaryHoldDecision },
        { "completed-without-canary-comparison", Patches.AcceptNoCanaryComparison },
        { "cancelled-while-starting", Patches.CancelledWhileStarting },
        { "completed-with-handover", Patches.MonitorHandover },
    };

    [Theory]
    [MemberData(nameof(PatchedPaths))]
    public async Task Recording_OfAPatchedPath_CarriesThePatchMarker(string scenario, string patch)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RecordedHistories.OutputDirectory, scenario + ".json"), TestContext.Current.CancellationToken);

        PatchIds(json).ShouldContain(patch);
    }

    [Fact]
    public async Task Recording_BeforeThePatches_CarriesNoneOfTheNewMarkers()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RecordedHistories.OutputDirectory, "completed-with-updates.json"), TestContext.Current.CancellationToken);

        PatchIds(json).ShouldNotContain(Patches.AcceptNoCanaryComparison);
        PatchIds(json).ShouldNotContain(Patches.CanaryHoldDecision);
    }

    private static List<string> PatchIds(string json)
    {
        using var history = JsonDocument.Parse(json);
        var ids = new List<string>();
        foreach (var e in history.RootElement.GetProperty("events").EnumerateArray())
        {
            if (!e.TryGetProperty("markerRecordedEventAttributes", out var marker) || !marker.TryGetProperty("details", out var details))
            {
                continue;
            }

            foreach (var detail in details.EnumerateObject())
            {
                foreach (var payload in detail.Value.GetProperty("payloads").EnumerateArray())
                {
                    using var data = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload.GetProperty("data").GetString()!)));
                    if (data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty("id", out var id))
                    {
                        ids.Add(id.GetString()!);
                    }
                }
            }
        }

        return ids;
    }
}
