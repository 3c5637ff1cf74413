using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>Whether a failed check is about the labels (re-annotation may fix it) or the images.</summary>
public enum QcArea
{
    Data,
    Labels,
}

/// <summary>One check of the gate.</summary>
/// <param name="Check">Stable check name (for example "krippendorff-alpha"); "quality.&lt;check&gt;" names it in a policy waiver.</param>
/// <param name="Area">Labels or data.</param>
/// <param name="Outcome">Passed, failed, not measured (fails the gate) or waived (not measured, and the policy waives it).</param>
/// <param name="Detail">Readable line with the measured value (or why there is none) and the threshold.</param>
/// <param name="Waiver">The policy's reason when <paramref name="Outcome"/> is <see cref="CheckOutcome.Waived"/>.</param>
/// <param name="Value">The measured value compared (NaN when undefined); null for checks that are not one comparison.</param>
/// <param name="Comparison">"at least" or "at most"; null when <paramref name="Threshold"/> is.</param>
/// <param name="Threshold">The policy's bound; null for checks that are not one comparison.</param>
public sealed record QcFinding(string Check, QcArea Area, CheckOutcome Outcome, string Detail, string? Waiver = null, double? Value = null, string? Comparison = null,
    double? Threshold = null)
{
    /// <summary>Whether this check lets the gate pass (passed or waived).</summary>
    public bool Passed => Outcome.Allows();
}

/// <summary>The QC gate's decision.</summary>
/// <param name="Passed">True when every check the policy enables passed or was waived.</param>
/// <param name="Findings">Every check that ran, whatever its outcome, in a fixed order.</param>
public sealed record QcVerdict(bool Passed, IReadOnlyList<QcFinding> Findings)
{
    /// <summary>The failed and unmeasured checks' details: the reasons recorded in the audit trail.</summary>
    public IReadOnlyList<string> Reasons => [.. Findings.Where(f => !f.Passed).Select(f => f.Detail)];

    /// <summary>The waived checks as "check: reason", recorded with the evidence and shown to approvers.</summary>
    public IReadOnlyList<string> Waivers => [.. Findings.Where(f => f.Outcome == CheckOutcome.Waived).Select(f => $"{f.Check}: {f.Waiver}")];

    /// <summary>True when the gate failed only on label checks, so a re-annotation round could pass it.</summary>
    public bool ReannotationCouldHelp => !Passed && Findings.Where(f => !f.Passed).All(f => f.Area == QcArea.Labels);
}
