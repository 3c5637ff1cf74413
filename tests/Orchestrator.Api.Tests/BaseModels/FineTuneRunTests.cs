using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Orchestrator.Operations.Artifacts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.BaseModels;

/// <summary>
/// Issue 20's acceptance run: through the API, a ResNet-18 base model is registered from a weights file, and a governed run
/// fine-tunes it under a policy that sets freeze/unfreeze, label smoothing, early stopping and class weights; the ledger and the
/// model card show each setting and the exported ONNX model passed its parity check. The service runs API and workers in one
/// process (role all) on the real PostgreSQL, Azurite and the embedded Temporal server; the run stops at its approval.
/// </summary>
public sealed class FineTuneRunTests : IClassFixture<ApiFactory>, IDisposable
{
    private const string Policy = """
        {
          "name": "fine-tune", "version": 1, "description": "issue 20: fine-tune a ResNet-18 from a base model",
          "maxAnnotationRounds": 0,
          "waivers": [
            { "check": "drift", "reason": "this run stops at approval: nothing is deployed or monitored" },
            { "check": "retention", "reason": "test data: the built-in retention applies" }
          ],
          "approval": { "quorum": 1, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
          "canary": { "trafficShare": 0.5, "window": "00:00:30" },
          "training": {
            "architecture": "resnet18", "epochs": 2, "batchSize": 16, "learningRate": 0.001, "seed": 3,
            "fineTuning": { "freezeBackbone": true, "unfreezeLastStages": 1, "unfreezeAfterEpochs": 1, "backboneLearningRateMultiplier": 0.1 },
            "labelSmoothing": 0.1,
            "earlyStopping": { "patience": 2, "minDelta": 0.001 },
            "imbalance": { "strategy": "class-weights" }
          },
          "quality": { "minItems": 40, "minFleissKappa": 0.5 },
          "evaluation": { "maxParityError": 0.0001 }
        }
        """;

    private readonly ApiFactory _api;
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-fine-tune-").FullName;

    public FineTuneRunTests(ApiFactory api)
    {
        _api = api;
        File.WriteAllText(Path.Combine(_directory, "fine-tune.v1.json"), Policy);
        _api.Settings["Orchestrator:Role"] = "all";
        _api.Settings["Orchestrator:Policies:Directory"] = _directory;
        _api.Settings["Orchestrator:Data:LocalRoots:0"] = _directory;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task GovernedRun_ResNet18FromRegisteredBaseModel_RecordsTheRecipeInLedgerAndCardAndExportsWithParity()
    {
        using var client = _api.ClientAs("alice", "ml-engineer");
        var weights = BaseModelFiles.WriteResNet18(_directory);
        using var registered = await client.PostAsJsonAsync("/api/base-models", new
        {
            name = "resnet18-base",
            architecture = "resnet18",
            location = weights,
            source = "drawn by the test (torchvision's initialisation, seed 17)",
            licence = "none (generated)",
        }, Token);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        var weightsDigest = (await ReadAsync(registered)).GetProperty("registration").GetProperty("weightsDigest").GetString()!;

        using var started = await client.PostAsJsonAsync("/api/runs", new
        {
            modelName = "tuned",
            dataset = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "60", ["seed"] = "7" }, licence = "CC0-1.0", consent = "synthetic", retention = "P7Y" },
            policy = new { name = "fine-tune" },
            baseModel = "resnet18-base",
        }, Token);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await ReadAsync(started)).GetProperty("runId").GetString()!;

        var entries = await UntilApprovalAsync(runId, TimeSpan.FromMinutes(20));

        var requested = entries.Single(e => e.Data is RunRequested);
        requested.Context.Evidence.ShouldContain(e => e.Name == "base-model:resnet18-base" && Digest.FromHex(e.Sha256).ToString() == weightsDigest);
        var training = ((TrainingStarted)entries.Single(e => e.Data is TrainingStarted).Data).Hyperparameters;
        var expected = new Dictionary<string, string>
        {
            ["architecture"] = "resnet18",
            ["base-model"] = "resnet18-base",
            ["base-model-weights"] = weightsDigest,
            ["freeze-backbone"] = "true",
            ["training.freeze-backbone"] = "true",
            ["training.unfreeze"] = "last 1 stages after 1 epochs",
            ["training.backbone-lr-multiplier"] = "0.1",
            ["training.label-smoothing"] = "0.1",
            ["training.early-stopping"] = "patience 2, min-delta 0.001",
            ["training.imbalance"] = "class-weights",
            ["preprocessing.resize_shorter_side"] = "256",
        };
        foreach (var (key, value) in expected)
        {
            training[key].ShouldBe(value, key);
        }

        training["head"].ShouldStartWith("replaced: 1000 -> ");
        training["training.recipe"].ShouldContain("\"labelSmoothing\":0.1");

        var ledger = _api.Services.GetRequiredService<IAuditLedger>();
        var model = await ledger.ReadStreamAsync(AuditStreams.Model("tuned"), 1, 100, Token);
        model.Select(e => e.Data).OfType<ModelExported>().ShouldHaveSingleItem().ParityMaxAbsError.ShouldBeLessThanOrEqualTo(1e-4);
        var evaluated = model.Single(e => e.Data is ModelEvaluated);
        var card = evaluated.Context.Evidence.Single(e => e.Name == "model-card.md");
        var text = Encoding.UTF8.GetString(await _api.Services.GetRequiredService<BlobArtifactStore>().GetAsync(Digest.FromHex(card.Sha256).ToString(), Token));
        foreach (var (key, value) in expected)
        {
            text.ShouldContain($"| {key} | {value} |");
        }
    }

    private async Task<IReadOnlyList<LedgerEntry>> UntilApprovalAsync(string runId, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var entries = await StreamAsync(_api, runId);
            if (entries.Any(e => e.Data is ApprovalRequested))
            {
                return entries;
            }

            entries.Select(e => e.Data).OfType<RunFailed>().ShouldBeEmpty();
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"run {runId} did not reach its approval; last entry: {(entries.Count > 0 ? entries[^1].EventType : "none")}");
            await Task.Delay(TimeSpan.FromSeconds(2), Token);
        }
    }
}
