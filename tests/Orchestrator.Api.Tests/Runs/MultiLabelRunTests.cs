using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Data;
using Orchestrator.Testing.Models;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Runs;

/// <summary>
/// Issue 20 item 4's acceptance: a multi-label run end to end through the API with a live worker (role all: API and workers in one
/// process on the real PostgreSQL, Azurite and the embedded Temporal server). A dataset is registered from generated images and a labels
/// CSV, the run's simulated annotators give label sets, QC judges per-label agreement, a tiny sigmoid-head network trains, the evaluation
/// gate judges mean average precision, a person approves, the version is deployed and promoted, and a prediction answers a label set.
/// </summary>
public sealed class MultiLabelRunTests : IClassFixture<ApiFactory>, IDisposable
{
    private const string Policy = """
        {
          "name": "multi-label", "version": 1, "description": "issue 20 item 4: a multi-label run end to end",
          "maxAnnotationRounds": 0,
          "waivers": [
            { "check": "drift", "reason": "test run: the monitor's built-in terms apply" },
            { "check": "retention", "reason": "test data: the built-in retention applies" },
            { "check": "canary", "reason": "test run: no prediction traffic reaches the two-second canary window, so its health is not measured; the prediction is sent after promotion" }
          ],
          "approval": { "quorum": 1, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
          "canary": { "trafficShare": 0.1, "window": "00:00:02", "maxErrorRate": 0.05, "maxLatencyRatio": 3.0, "minRequests": 20 },
          "training": { "architecture": "resnet-tiny", "epochs": 4, "batchSize": 16, "learningRate": 0.01, "seed": 7 },
          "quality": { "minItems": 100, "minKrippendorffAlpha": 0.667, "minLabelAlpha": 0.667, "minGoldAuditReviewed": 30, "minGoldAuditLowerBound": 0.5, "maxLeakingItems": 0 },
          "evaluation": { "minMeanAveragePrecision": 0.6, "minLabelAveragePrecision": 0.4, "maxParityError": 0.0001 }
        }
        """;

    private readonly ApiFactory _api;
    private readonly ITestOutputHelper _output;
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-multi-label-").FullName;

    public MultiLabelRunTests(ApiFactory api, ITestOutputHelper output)
    {
        _api = api;
        _output = output;
        var policies = Directory.CreateDirectory(Path.Combine(_directory, "policies")).FullName;
        File.WriteAllText(Path.Combine(policies, "multi-label.v1.json"), Policy);
        _api.Settings["Orchestrator:Role"] = "all";
        _api.Settings["Orchestrator:Policies:Directory"] = policies;
        _api.Settings["Orchestrator:Data:LocalRoots:0"] = _directory;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task MultiLabelRun_ImportQcTrainGateApproveDeploy_PredictionAnswersALabelSet()
    {
        var data = Path.Combine(_directory, "tags");
        MultiLabelFolder.Write(data, count: 240, seed: 3);
        using var alice = _api.ClientAs("alice", "ml-engineer");
        using var registered = await alice.PostAsJsonAsync("/api/datasets", new
        {
            name = "tagged-shapes",
            source = new { kind = "multi-label", location = data, parameters = new Dictionary<string, string> { ["labels"] = MultiLabelFolder.LabelFile }, licence = "CC0-1.0", consent = "synthetic", retention = "P1Y" },
            description = "generated images tagged with the shapes they show",
        }, Token);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);

        using var started = await alice.PostAsJsonAsync("/api/runs", new
        {
            modelName = "tagger",
            datasetName = "tagged-shapes",
            annotation = new { kind = "simulated", parameters = new Dictionary<string, string> { ["annotators"] = "3", ["accuracy"] = "0.97", ["seed"] = "4" } },
            policy = new { name = "multi-label" },
        }, Token);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await ReadAsync(started)).GetProperty("runId").GetString()!;

        var entries = await UntilAsync(runId, es => es.Any(e => e.Data is ApprovalRequested), TimeSpan.FromMinutes(10));
        var qc = entries.Select(e => e.Data).OfType<QualityEvaluated>().ShouldHaveSingleItem();
        qc.Verdict.ShouldBe(GateVerdict.Passed);
        qc.Agreement.Keys.Where(k => k.StartsWith("label-alpha:", StringComparison.Ordinal)).Count().ShouldBe(3);
        var thresholds = entries.Select(e => e.Data).OfType<DecisionThresholdsChosen>().ShouldHaveSingleItem().Thresholds;
        var evaluated = (await ModelStreamAsync("tagger")).Select(e => e.Data).OfType<ModelEvaluated>().ShouldHaveSingleItem();
        evaluated.Verdict.ShouldBe(GateVerdict.Passed);
        evaluated.Metrics["mean-average-precision"].ShouldBeGreaterThanOrEqualTo(0.6);
        evaluated.PerClass.Keys.ShouldBe(MultiLabelFolder.Labels, ignoreOrder: true);

        using var bob = _api.ClientAs("bob", "approver");
        var evidence = entries.Select(e => e.Data).OfType<ApprovalRequested>().Single().EvidenceDigest;
        using var approved = await bob.PostAsJsonAsync($"/api/runs/{runId}/approvals", new { decision = "approve", reason = "reviewed the multi-label evidence", evidenceDigest = evidence }, Token);
        approved.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted);
        var ended = await UntilAsync(runId, es => es.Any(e => e.Data is RunCompleted), TimeSpan.FromMinutes(3));
        ended.Select(e => e.Data).OfType<RunCompleted>().ShouldHaveSingleItem();

        // Fresh images the model never saw, each showing a known set of shapes.
        var random = new Random(99);
        string[][] shown = [["circle"], ["square"], ["circle", "cross"], ["cross", "square"], ["circle", "cross", "square"], [], ["cross"], ["circle", "square"]];
        var images = shown.Select(s => Convert.ToBase64String(ImageCodec.EncodePng(MultiLabelFolder.Draw(s, 32, random)))).ToList();
        using var carol = _api.ClientAs("carol", "predictor");
        using var request = new StringContent(JsonSerializer.Serialize(new { images }), System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var predicted = await carol.PostAsync("/api/models/tagger/predict", request, Token);

        predicted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var predictions = (await ReadAsync(predicted)).GetProperty("predictions").EnumerateArray().ToList();
        predictions.Count.ShouldBe(shown.Length);
        var right = 0;
        for (var i = 0; i < shown.Length; i++)
        {
            var probabilities = predictions[i].GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            var labels = predictions[i].GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()!).ToList();
            // The answer is exactly the labels at or above the thresholds the run chose on its validation split, most probable first.
            labels.ShouldBe([.. probabilities.Where(p => p.Value >= thresholds[p.Key]).OrderByDescending(p => p.Value).Select(p => p.Key)], $"image {i}");
            predictions[i].GetProperty("label").GetString().ShouldBe(string.Join('|', labels.Order(StringComparer.Ordinal)));
            right += labels.Order(StringComparer.Ordinal).SequenceEqual(shown[i].Order(StringComparer.Ordinal)) ? 1 : 0;
        }

        _output.WriteLine($"QC alphas {string.Join(", ", qc.Agreement.Select(a => $"{a.Key}={a.Value:F3}"))}; thresholds {string.Join(", ", thresholds.Select(t => $"{t.Key}={t.Value:F3}"))}; "
            + $"mAP {evaluated.Metrics["mean-average-precision"]:F3}; {right} of {shown.Length} fresh images tagged exactly");
        right.ShouldBeGreaterThanOrEqualTo(6, "the served model should tag most fresh images exactly");
    }

    private async Task<IReadOnlyList<LedgerEntry>> ModelStreamAsync(string model) =>
        await _api.Services.GetRequiredService<IAuditLedger>().ReadStreamAsync(AuditStreams.Model(model), 1, 1000, Token);

    private async Task<IReadOnlyList<LedgerEntry>> UntilAsync(string runId, Func<IReadOnlyList<LedgerEntry>, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var entries = await StreamAsync(_api, runId);
            if (condition(entries))
            {
                return entries;
            }

            entries.Select(e => e.Data).OfType<RunFailed>().ShouldBeEmpty();
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"run {runId} did not get there; last entry: {(entries.Count > 0 ? entries[^1].EventType : "none")}");
            await Task.Delay(TimeSpan.FromSeconds(1), Token);
        }
    }
}
