namespace Orchestrator.Workflows.Policies;

/// <summary>
/// A policy's written decision not to require one check (or a whole gate section): the policy document's top-level
/// "waivers" array, e.g. <c>{ "check": "evaluation.worst-slice-gap", "reason": "no subgroup metadata exists for this data" }</c>.
/// A waived check that was not measured counts as <see cref="CheckOutcome.Waived"/>, and the reason is recorded in the
/// gate's evidence and shown in the evidence report and the model card.
/// </summary>
/// <param name="Check">"section.check" (for example "quality.gold-audit", "canary.min-traffic") or a whole section ("evaluation").</param>
/// <param name="Reason">Why the check is not required: recorded and shown to approvers; must not be empty.</param>
public sealed record PolicyWaiver(string Check, string Reason)
{
    /// <summary>The waiver in <paramref name="waivers"/> that covers <paramref name="section"/>.<paramref name="check"/> (or the whole section), or null.</summary>
    public static PolicyWaiver? Find(IReadOnlyList<PolicyWaiver>? waivers, string section, string check) =>
        waivers?.FirstOrDefault(w => string.Equals(w.Check, $"{section}.{check}", StringComparison.Ordinal))
        ?? waivers?.FirstOrDefault(w => string.Equals(w.Check, section, StringComparison.Ordinal));

    /// <summary>
    /// The outcome a gate records for one check: a <see cref="CheckOutcome.NotMeasured"/> check that the policy waives becomes
    /// <see cref="CheckOutcome.Waived"/> (with the waiver); passed and failed checks stay as measured (a waiver never hides a failure).
    /// </summary>
    public static (CheckOutcome Outcome, PolicyWaiver? Waiver) Apply(CheckOutcome measured, IReadOnlyList<PolicyWaiver>? waivers, string section, string check) =>
        measured == CheckOutcome.NotMeasured && Find(waivers, section, check) is { } waiver ? (CheckOutcome.Waived, waiver) : (measured, null);
}
