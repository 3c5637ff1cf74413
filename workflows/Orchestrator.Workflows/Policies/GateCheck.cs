namespace Orchestrator.Workflows.Policies;

/// <summary>One check of the canary or monitor decision, with its outcome (QC and evaluation findings carry more: their area or threshold).</summary>
/// <param name="Check">Stable check name; "&lt;section&gt;.&lt;check&gt;" names it in a policy waiver (for example "canary.min-traffic").</param>
/// <param name="Outcome">Passed, failed, not measured (the decision does not pass on it) or waived.</param>
/// <param name="Detail">Readable line with the measured figures (or why there are none) and the policy's bound.</param>
/// <param name="Waiver">The policy's reason when <paramref name="Outcome"/> is <see cref="CheckOutcome.Waived"/>.</param>
public sealed record GateCheck(string Check, CheckOutcome Outcome, string Detail, string? Waiver = null)
{
    /// <summary>The check with the policy's waivers of <paramref name="section"/> applied.</summary>
    public static GateCheck Of(string section, string check, CheckOutcome measured, string detail, IReadOnlyList<PolicyWaiver>? waivers)
    {
        var (outcome, waiver) = PolicyWaiver.Apply(measured, waivers, section, check);
        return new GateCheck(check, outcome, detail, waiver?.Reason);
    }
}
