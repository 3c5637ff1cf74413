using Orchestrator.Workflows.Policies;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>
/// The policies the end-to-end runs pin, written to the deployment's policy directory: "e2e" (two epochs so a
/// run can be interrupted between checkpoints, thresholds a small synthetic set passes, two approvers, a
/// two-second canary window) and "e2e-strict" (the same, with an evaluation gate no model can pass).
/// </summary>
public static class E2ePolicies
{
    public static PolicyRef Lenient { get; } = new("e2e", 1);

    public static PolicyRef Strict { get; } = new("e2e-strict", 1);

    /// <summary>File name and content of each document.</summary>
    public static IEnumerable<(string File, string Json)> Documents =>
    [
        ("e2e.v1.json", Document("e2e", "Small end-to-end policy: two epochs, lenient evaluation, two approvers.", minAccuracy: "0.0", maxCalibrationError: "1.0")),
        ("e2e-strict.v1.json", Document("e2e-strict", "End-to-end policy whose evaluation gate nothing passes.", minAccuracy: "1.0", maxCalibrationError: "0.0")),
    ];

    private static string Document(string name, string description, string minAccuracy, string maxCalibrationError) => $$"""
    {
      "name": "{{name}}",
      "version": 1,
      "description": "{{description}}",
      "maxAnnotationRounds": 0,
      "approval": { "quorum": 2, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
      "canary": { "trafficShare": 0.1, "window": "00:00:02", "maxErrorRate": 0.05, "maxLatencyRatio": 3.0, "maxDistributionShift": 0.25, "minRequests": 20 },
      "training": { "architecture": "resnet-small", "epochs": 2, "batchSize": 32, "learningRate": 0.002, "seed": 7 },
      "quality": {
        "minItems": 200, "maxCorruptFraction": 0.01, "minFleissKappa": 0.6, "minKrippendorffAlpha": 0.667,
        "maxDisagreementFraction": 0.25, "minGoldAuditLowerBound": 0.8, "minGoldAuditReviewed": 30,
        "minClassCount": 20, "maxImbalanceRatio": 5.0, "maxExactDuplicateFraction": 0.01, "maxLeakingItems": 0
      },
      "evaluation": {
        "minAccuracy": {{minAccuracy}}, "minMacroF1": 0.0, "minClassRecall": 0.0, "maxCalibrationError": {{maxCalibrationError}}, "maxWorstSliceGap": 1.0,
        "maxRobustnessDrop": 1.0, "maxParityError": 0.0001, "forbidSignificantRegression": false, "significanceLevel": 0.05
      }
    }
    """;
}
