using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Orchestrator.Testing.Service;

namespace Orchestrator.Demo.Tests;

/// <summary>
/// The service as `./run.sh` serves it (API and workers in one process, role all: the real activities train, export, evaluate and
/// serve), with one extra policy, "e2e-hold": a lenient two-epoch run whose two-second canary needs 20 requests and is held for a
/// person's decision when it gets fewer (no canary waiver), so a run's canary is held unless someone sends it traffic.
/// </summary>
public sealed class HeldCanaryService() : ServiceFactory("held-canary")
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The policy the runs pin.</summary>
    public const string Policy = "e2e-hold";

    /// <summary>The development signing key the service validates tokens with.</summary>
    public string KeyPath => Path.Combine(StateDirectory, "dev-signing.key");

    private string PolicyDirectory => Path.Combine(StateDirectory, "policies");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(KeyPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Directory.CreateDirectory(PolicyDirectory);
        await File.WriteAllTextAsync(Path.Combine(PolicyDirectory, $"{Policy}.v1.json"), PolicyJson);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orchestrator:Auth:DevelopmentKeyPath", KeyPath);
        builder.UseSetting("Orchestrator:Role", "all");
        builder.UseSetting("Orchestrator:Policies:Directory", PolicyDirectory);
        builder.UseSetting("Orchestrator:Blob:Container", $"held-{_id}");
        builder.UseSetting("Orchestrator:Temporal:TaskQueue", $"held-cpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GpuTaskQueue", $"held-gpu-{_id}");
        builder.UseSetting("Orchestrator:Temporal:GracefulShutdownTimeout", "00:00:00");
        builder.UseSetting("Orchestrator:Worker:Identity", $"held-canary-tests-{_id}");
    }

    private const string PolicyJson = """
    {
      "name": "e2e-hold",
      "version": 1,
      "description": "End-to-end policy whose canary is held for a person's decision when it sees too little traffic.",
      "maxAnnotationRounds": 0,
      "waivers": [
        { "check": "drift", "reason": "end-to-end run that does not monitor: the monitor's built-in terms apply" },
        { "check": "retention", "reason": "end-to-end run keeps nothing: the built-in retention applies" },
        { "check": "evaluation.worst-slice-gap", "reason": "test-only policy: the small synthetic test split rarely has a slice of the 20 images the slice report needs" }
      ],
      "approval": { "quorum": 2, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
      "canary": { "trafficShare": 0.1, "window": "00:00:02", "maxErrorRate": 0.05, "maxLatencyRatio": 3.0, "maxDistributionShift": 0.25, "minRequests": 20,
        "onInsufficientEvidence": "hold" },
      "training": { "architecture": "resnet-small", "epochs": 2, "batchSize": 32, "learningRate": 0.002, "seed": 7 },
      "quality": {
        "minItems": 200, "maxCorruptFraction": 0.01, "minFleissKappa": 0.6, "minKrippendorffAlpha": 0.667,
        "maxDisagreementFraction": 0.25, "minGoldAuditLowerBound": 0.8, "minGoldAuditReviewed": 30,
        "minClassCount": 20, "maxImbalanceRatio": 5.0, "maxExactDuplicateFraction": 0.01, "maxLeakingItems": 0
      },
      "evaluation": {
        "minAccuracy": 0.0, "minMacroF1": 0.0, "minClassRecall": 0.0, "maxCalibrationError": 1.0, "maxWorstSliceGap": 1.0,
        "maxRobustnessDrop": 1.0, "maxParityError": 0.0001, "forbidSignificantRegression": false, "significanceLevel": 0.05
      }
    }
    """;
}
