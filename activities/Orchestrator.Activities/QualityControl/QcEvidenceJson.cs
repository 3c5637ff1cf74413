using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Activities.QualityControl;

/// <summary>The stored QC evidence document's JSON form, and how its gold audit is described to approvers (report and model card).</summary>
public static class QcEvidenceJson
{
    // Undefined statistics are NaN and an empty class makes the imbalance infinite: store them as such.
    internal static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    /// <summary>Reads a stored evidence document (media type v2).</summary>
    public static QcEvidenceDocument? Read(byte[] json) => JsonSerializer.Deserialize<QcEvidenceDocument>(json, Options);

    /// <summary>
    /// The audit in one sentence that says who reviewed: a named person, or "simulated" when the source's own labels did (so
    /// a simulated audit is never shown as a review); says so when there was no audit, and when nobody reviewed a sampled
    /// item (a pass rate of NaN is no figure, so none is shown).
    /// </summary>
    public static string? DescribeAudit(GoldAuditEvidence? audit) => audit switch
    {
        null => "no gold-set spot audit was reviewed.",
        { Reviewed: 0, Simulated: true } => "not measured: the simulated gold-set audit reviewed no sampled item.",
        { Reviewed: 0 } => $"not measured: {audit.Reviewer} reviewed no sampled item (ledger entry {audit.Submission}).",
        { Simulated: true } => string.Create(CultureInfo.InvariantCulture,
            $"simulated: the data source's own labels reviewed the {audit.Reviewed}-item gold-set sample (no person reviewed it); pass rate {audit.PassRate:0.###} (95% interval {audit.Lower:0.###}-{audit.Upper:0.###})."),
        _ => string.Create(CultureInfo.InvariantCulture,
            $"human: {audit.Reviewer} reviewed {audit.Reviewed} sampled items (ledger entry {audit.Submission}); pass rate {audit.PassRate:0.###} (95% interval {audit.Lower:0.###}-{audit.Upper:0.###})."),
    };
}
