using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;

namespace Orchestrator.Audit.Tests;

/// <summary>Realistic events and contexts for the tests.</summary>
internal static class Samples
{
    public static AuditContext Worker(string runId, string? causation = null) => new(
        Actor.Service("orchestrator-worker", "worker-1@host"),
        new Correlation($"pipeline-{runId}", runId),
        causation,
        [new EvidenceDigest("dataset-manifest", new string('a', 64), "blob://datasets/manifest.json")]);

    public static AuditContext User(string runId, string subject, params string[] roles) => new(
        Actor.User(subject, roles), new Correlation($"pipeline-{runId}", runId), "http-request-1", []);

    public static RunRequested Requested(string runId) => new(runId, "image-recognition", "defects", "blob://raw/defects", "policy-3");

    public static DatasetAcquired Dataset(int items = 1200) => new(
        "blob://raw/defects", new string('d', 64), items, new Dictionary<string, int> { ["scratch"] = 700, ["dent"] = 500 }, "CC-BY-4.0", "7y");

    public static TrainingEpochCompleted Epoch(int epoch) => new(epoch, 1.0 / (epoch + 1), 1.1 / (epoch + 1), 0.5 + (epoch / 100.0), new string('c', 64));

    public static ModelExported Exported(int version, string runId) => new(version, runId, new string('d', 64), new string('e', 64), $"blob://models/defects/{version}.onnx", 2.4e-7);
}
