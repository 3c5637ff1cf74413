namespace Orchestrator.Audit.Events;

/// <summary>Stream ids of the ledger: one stream per pipeline run and one per model.</summary>
public static class AuditStreams
{
    /// <summary>The stream that holds signed checkpoints; it is not a run or model stream.</summary>
    public const string Checkpoints = "ledger-checkpoints";

    /// <summary>The stream of pipeline run <paramref name="runId"/>.</summary>
    public static string Run(string runId) => $"run-{Require(runId)}";

    /// <summary>The stream of model <paramref name="modelName"/> (all its versions).</summary>
    public static string Model(string modelName) => $"model-{Require(modelName)}";

    /// <summary>The stream of base model <paramref name="name"/> (its registration).</summary>
    public static string BaseModel(string name) => $"base-model-{Require(name)}";

    private static string Require(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return value;
    }
}
