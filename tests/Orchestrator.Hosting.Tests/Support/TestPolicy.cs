using Orchestrator.Workflows.Policies;

namespace Orchestrator.Hosting.Tests.Support;

/// <summary>
/// A governance policy small enough for tests: one training epoch, thresholds a 240-image synthetic set with
/// good simulated annotators passes, two approvers, a short canary window.
/// </summary>
public static class TestPolicy
{
    public static PolicyRef Ref { get; } = new("test", 1);

    public const string Json = """
    {
      "name": "test",
      "version": 1,
      "description": "Small test policy: one epoch, lenient evaluation thresholds, two approvers.",
      "maxAnnotationRounds": 0,
      "waivers": [
        { "check": "drift", "reason": "tests do not monitor: the monitor's built-in terms apply" },
        { "check": "retention", "reason": "tests keep nothing: the built-in retention applies" },
        { "check": "canary", "reason": "test-only policy: these tests exercise the pipeline, not canary health, and send no prediction traffic during the two-second canary window, so the canary is not measured" },
        { "check": "evaluation.worst-slice-gap", "reason": "test-only policy: the small synthetic set's test split (about 24 images) rarely has a slice of the 20 images the slice report needs, so the worst-slice gap is usually not measured; the bound here is 1.0 in any case" }
      ],
      "approval": { "quorum": 2, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
      "canary": { "trafficShare": 0.1, "window": "00:00:02", "maxErrorRate": 0.05, "maxLatencyRatio": 3.0, "maxDistributionShift": 0.25, "minRequests": 20 },
      "training": { "architecture": "resnet-small", "epochs": 1, "batchSize": 32, "learningRate": 0.002, "seed": 7 },
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
