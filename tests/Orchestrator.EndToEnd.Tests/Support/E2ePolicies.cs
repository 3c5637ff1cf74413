using Orchestrator.Workflows.Policies;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>
/// The policies the end-to-end runs pin, written to the deployment's policy directory: "e2e" (two epochs so a
/// run can be interrupted between checkpoints, thresholds a small synthetic set passes, two approvers, a
/// two-second canary window), "e2e-strict" (the same, with an evaluation gate no model can pass), and two with
/// more epochs and a fifteen-second training heartbeat timeout (loading the images comes before the first heartbeat), so training can be interrupted while it runs and a lost
/// worker is noticed in seconds: "e2e-interrupted" (eight epochs, finishes) and "e2e-endless" (more epochs than any
/// test waits for: it only ends by cancellation).
/// </summary>
public static class E2ePolicies
{
    public static PolicyRef Lenient { get; } = new("e2e", 1);

    public static PolicyRef Strict { get; } = new("e2e-strict", 1);

    /// <summary>Eight epochs: a worker can be lost after the first checkpoint and the retry still has epochs left to resume.</summary>
    public static PolicyRef Interrupted { get; } = new("e2e-interrupted", 1);

    /// <summary>Training far longer than any test waits: the run ends only when it is cancelled.</summary>
    public static PolicyRef Endless { get; } = new("e2e-endless", 1);

    /// <summary>
    /// The lenient terms with a drift section a small window of shifted images breaches (checks on demand: the
    /// interval is an hour) and a three-second grace period before a superseded version is retired.
    /// </summary>
    public static PolicyRef Monitored { get; } = new("e2e-monitored", 1);

    /// <summary>The lenient terms with a learning rate so large that training diverges in its first epoch.</summary>
    public static PolicyRef Diverging { get; } = new("e2e-diverging", 1);

    /// <summary>
    /// The lenient terms with one epoch and a worst-slice gap of at most 0.5 that is NOT waived: a run whose data carries no slice
    /// metadata fails its evaluation gate as not measured.
    /// </summary>
    public static PolicyRef Sliced { get; } = new("e2e-sliced", 1);

    /// <summary>Epochs of <see cref="Interrupted"/>.</summary>
    public const int InterruptedEpochs = 8;

    /// <summary>File name and content of each document.</summary>
    public static IEnumerable<(string File, string Json)> Documents =>
    [
        ("e2e.v1.json", Document("e2e", "Small end-to-end policy: two epochs, lenient evaluation, two approvers.", minAccuracy: "0.0", maxCalibrationError: "1.0")),
        ("e2e-strict.v1.json", Document("e2e-strict", "End-to-end policy whose evaluation gate nothing passes.", minAccuracy: "1.0", maxCalibrationError: "0.0")),
        ("e2e-interrupted.v1.json", Document("e2e-interrupted", "End-to-end policy whose training outlasts a lost worker.", minAccuracy: "0.0", maxCalibrationError: "1.0",
            InterruptedEpochs, ", \"heartbeatTimeout\": \"00:00:15\"")),
        ("e2e-endless.v1.json", Document("e2e-endless", "End-to-end policy whose training only ends by cancellation.", minAccuracy: "0.0", maxCalibrationError: "1.0",
            10_000, ", \"heartbeatTimeout\": \"00:00:15\"")),
        ("e2e-diverging.v1.json", Document("e2e-diverging", "End-to-end policy whose training diverges.", minAccuracy: "0.0", maxCalibrationError: "1.0",
            learningRate: "1e30")),
        ("e2e-sliced.v1.json", Document("e2e-sliced", "End-to-end policy whose worst-slice gap must be measured.", minAccuracy: "0.0", maxCalibrationError: "1.0",
            epochs: 1, maxWorstSliceGap: "0.5", waiveWorstSlice: false)),
        ("e2e-monitored.v1.json", Document("e2e-monitored", "End-to-end policy for monitoring: drift on 100 predictions, short grace period.", minAccuracy: "0.0", maxCalibrationError: "1.0",
            sections: """
              "drift": { "checkInterval": "01:00:00", "minSamples": 100, "maxPsi": 0.25, "ksAlpha": 0.01, "minOnlineAccuracy": 0.85, "minFeedback": 50, "maxErrorRate": 0.05 },
              "retention": { "deleteArtifacts": false, "retention": "P7Y", "legalHold": false, "supersededGracePeriod": "00:00:03" },
            """)),
    ];

    /// <summary>Documents without monitor sections waive them in writing (strict policies refuse a missing section).</summary>
    private const string SectionWaivers = """
        { "check": "drift", "reason": "end-to-end runs that do not monitor: the monitor's built-in terms apply" },
        { "check": "retention", "reason": "end-to-end runs keep nothing: the built-in retention applies" },
    """;

    /// <summary>Every document waives what these runs cannot measure, in writing.</summary>
    private const string CanaryWaiver = """
        { "check": "canary", "reason": "test-only policy: these tests exercise the pipeline, not canary health, and send no prediction traffic during the two-second canary window, so the canary is not measured" }
    """;

    /// <summary>All but <see cref="Sliced"/> waive the slice gap: their small synthetic test split rarely has a slice large enough to judge.</summary>
    private const string WorstSliceWaiver = """
        , { "check": "evaluation.worst-slice-gap", "reason": "test-only policy: the small synthetic set's test split (about 24 images) rarely has a slice of the 20 images the slice report needs, so the worst-slice gap is usually not measured; the bound here is 1.0 in any case" }
    """;

    private static string Document(string name, string description, string minAccuracy, string maxCalibrationError, int epochs = 2, string trainingExtra = "", string sections = "",
        string learningRate = "0.002", string maxWorstSliceGap = "1.0", bool waiveWorstSlice = true) => $$"""
    {
      "name": "{{name}}",
      "version": 1,
      "description": "{{description}}",
      "maxAnnotationRounds": 0,
      "waivers": [
      {{(sections.Length > 0 ? "" : SectionWaivers)}}
      {{CanaryWaiver}}{{(waiveWorstSlice ? WorstSliceWaiver : "")}}
      ],
      "approval": { "quorum": 2, "eligibleRoles": ["approver"], "requiredRoles": [], "deadline": "1.00:00:00" },
      "canary": { "trafficShare": 0.1, "window": "00:00:02", "maxErrorRate": 0.05, "maxLatencyRatio": 3.0, "maxDistributionShift": 0.25, "minRequests": 20 },
      "training": { "architecture": "resnet-small", "epochs": {{epochs}}, "batchSize": 32, "learningRate": {{learningRate}}, "seed": 7{{trainingExtra}} },
      {{sections}}
      "quality": {
        "minItems": 200, "maxCorruptFraction": 0.01, "minFleissKappa": 0.6, "minKrippendorffAlpha": 0.667,
        "maxDisagreementFraction": 0.25, "minGoldAuditLowerBound": 0.8, "minGoldAuditReviewed": 30,
        "minClassCount": 20, "maxImbalanceRatio": 5.0, "maxExactDuplicateFraction": 0.01, "maxLeakingItems": 0
      },
      "evaluation": {
        "minAccuracy": {{minAccuracy}}, "minMacroF1": 0.0, "minClassRecall": 0.0, "maxCalibrationError": {{maxCalibrationError}}, "maxWorstSliceGap": {{maxWorstSliceGap}},
        "maxRobustnessDrop": 1.0, "maxParityError": 0.0001, "forbidSignificantRegression": false, "significanceLevel": 0.05
      }
    }
    """;
}
