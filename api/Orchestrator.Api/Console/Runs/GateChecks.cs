using System.Reflection;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// One check of a gate as the page shows it: the measured value, the policy's bound and the <paramref name="Outcome"/>: "passed",
/// "failed", "not-measured" (the value could not be measured, which fails the check) or "waived" (the policy sets no bound).
/// </summary>
public sealed record GateCheckRow(string Check, string Outcome, double? Value, string? Comparison, double? Threshold, string Detail);

/// <summary>
/// A gate recomputed for the page: the pure gate function (the one the stage ran) applied to the stored evidence and the
/// pinned policy, beside the verdict the ledger recorded; a disagreement is shown, never hidden.
/// </summary>
public sealed record GateView(string Name, string PolicyVersion, string Recorded, bool? Recomputed, IReadOnlyList<GateCheckRow> Rows, string? Problem)
{
    /// <summary>True when the recomputed verdict is the recorded one.</summary>
    public bool Agrees => Recomputed is { } passed && (passed ? "passed" : "failed") == Recorded;

    public static GateView Quality(QcVerdict verdict, QcPolicy policy, string policyVersion, string recorded) =>
        new("Quality-control gate", policyVersion, recorded, verdict.Passed,
            [.. verdict.Findings.Select(f => Row(f.Check, f.Passed, f.Value, f.Comparison, f.Threshold, f.Detail)), .. Waived(policy)], null);

    public static GateView Evaluation(EvaluationVerdict verdict, EvaluationPolicy policy, string policyVersion, string recorded) =>
        new("Evaluation gate", policyVersion, recorded, verdict.Passed,
            [.. verdict.Findings.Select(f => Row(f.Check, f.Passed, f.Value, f.Comparison, f.Threshold, f.Detail)), .. Waived(policy)], null);

    /// <summary>A gate whose evidence could not be read back: the recorded verdict and why nothing more is shown.</summary>
    public static GateView Unreadable(string name, string policyVersion, string recorded, string problem) => new(name, policyVersion, recorded, null, [], problem);

    private static GateCheckRow Row(string check, bool passed, double? value, string? comparison, double? threshold, string detail) =>
        new(check, value is double v && double.IsNaN(v) ? "not-measured" : passed ? "passed" : "failed", value, comparison, threshold, detail);

    /// <summary>The policy's optional bounds it leaves unset: checks this policy waives.</summary>
    private static IEnumerable<GateCheckRow> Waived(object policy) => policy.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => (p.PropertyType == typeof(double?) || p.PropertyType == typeof(int?)) && p.GetValue(policy) is null)
        .Select(p => new GateCheckRow(p.Name, "waived", null, null, null, $"the policy sets no {p.Name}"));
}
