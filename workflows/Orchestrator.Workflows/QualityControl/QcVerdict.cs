namespace Orchestrator.Workflows.QualityControl;

/// <summary>Whether a failed check is about the labels (re-annotation may fix it) or the images.</summary>
public enum QcArea
{
    Data,
    Labels,
}

/// <summary>One check of the gate.</summary>
/// <param name="Check">Stable check name (for example "krippendorff-alpha").</param>
/// <param name="Area">Labels or data.</param>
/// <param name="Passed">Whether the evidence met the threshold.</param>
/// <param name="Detail">Readable line with the measured value and the threshold.</param>
/// <param name="Value">The measured value compared (NaN when undefined); null for checks that are not one comparison.</param>
/// <param name="Comparison">"at least" or "at most"; null with <paramref name="Value"/>.</param>
/// <param name="Threshold">The policy's bound; null with <paramref name="Value"/>.</param>
public sealed record QcFinding(string Check, QcArea Area, bool Passed, string Detail, double? Value = null, string? Comparison = null, double? Threshold = null);

/// <summary>The QC gate's decision.</summary>
/// <param name="Passed">True when every check the policy enables passed.</param>
/// <param name="Findings">Every check that ran, passed or not, in a fixed order.</param>
public sealed record QcVerdict(bool Passed, IReadOnlyList<QcFinding> Findings)
{
    /// <summary>The failed checks' details: the reasons recorded in the audit trail.</summary>
    public IReadOnlyList<string> Reasons => [.. Findings.Where(f => !f.Passed).Select(f => f.Detail)];

    /// <summary>True when the gate failed only on label checks, so a re-annotation round could pass it.</summary>
    public bool ReannotationCouldHelp => !Passed && Findings.Where(f => !f.Passed).All(f => f.Area == QcArea.Labels);
}
