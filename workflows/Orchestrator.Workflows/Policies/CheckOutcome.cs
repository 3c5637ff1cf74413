using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Workflows.Policies;

/// <summary>
/// What one check of a gate (QC, evaluation, canary, monitor) came to. Only <see cref="Passed"/> and
/// <see cref="Waived"/> let a gate pass: a check that could not be measured fails unless the policy waives it in
/// writing (<see cref="PolicyWaiver"/>), and the waiver is shown to the approver with the evidence.
/// </summary>
[JsonConverter(typeof(CheckOutcomeJsonConverter))]
public enum CheckOutcome
{
    /// <summary>Measured and within the policy.</summary>
    Passed,

    /// <summary>Measured and outside the policy.</summary>
    Failed,

    /// <summary>Not measured (no data, too little data, an unconverged estimate): fails the gate unless waived.</summary>
    NotMeasured,

    /// <summary>Not measured or not judged, and the policy waives the check with a recorded reason.</summary>
    Waived,
}

/// <summary>Writes the outcomes as "passed", "failed", "not-measured" and "waived".</summary>
public sealed class CheckOutcomeJsonConverter() : JsonStringEnumConverter<CheckOutcome>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false);

/// <summary>Whether an outcome lets its gate pass.</summary>
public static class CheckOutcomes
{
    /// <summary>True for <see cref="CheckOutcome.Passed"/> and <see cref="CheckOutcome.Waived"/>.</summary>
    public static bool Allows(this CheckOutcome outcome) => outcome is CheckOutcome.Passed or CheckOutcome.Waived;
}
