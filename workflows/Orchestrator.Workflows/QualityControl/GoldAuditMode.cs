using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>
/// The policy's "quality.goldAudit": who may review the gold-set spot audit. Absent means
/// <see cref="SimulatedAllowed"/>, what every policy meant before people could submit an audit.
/// </summary>
[JsonConverter(typeof(GoldAuditModeJsonConverter))]
public enum GoldAuditMode
{
    /// <summary>"simulated-allowed": the data source's own labels may review the sample (synthetic data); the evidence says the audit was simulated.</summary>
    SimulatedAllowed,

    /// <summary>"human": a person with the reviewer role must submit the audit through the API; a simulated audit is not evidence.</summary>
    Human,
}

/// <summary>Reads and writes "simulated-allowed" and "human".</summary>
public sealed class GoldAuditModeJsonConverter() : JsonStringEnumConverter<GoldAuditMode>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false);

/// <summary>Who reviewed a gold audit, as <see cref="GoldAuditEvidence.Kind"/> records it.</summary>
public static class GoldAuditKinds
{
    /// <summary>The data source's own labels reviewed the sample (the generator's ground truth for synthetic data): not a person's judgement.</summary>
    public const string Simulated = "simulated";

    /// <summary>A person with the reviewer role submitted the labels through the API (GoldAuditSubmitted in the run's ledger).</summary>
    public const string Human = "human";
}
