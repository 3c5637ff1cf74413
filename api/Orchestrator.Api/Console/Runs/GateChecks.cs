using System.Text.Json;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// One check of a gate as the page shows it: the measured value (NaN when it could not be measured), the policy's bound,
/// the <paramref name="Outcome"/> ("passed", "failed", "not-measured" or "waived", as the evidence report writes them)
/// and, for a waived check, the policy's written reason (<paramref name="Waiver"/>).
/// </summary>
public sealed record GateCheckRow(string Check, string Outcome, double? Value, string? Comparison, double? Threshold, string Detail, string? Waiver);

/// <summary>
/// A gate recomputed for the page: the pure gate function (the one the stage ran) applied to the stored evidence, the
/// pinned policy and its waivers, beside the verdict the ledger recorded; a disagreement is shown, never hidden.
/// </summary>
public sealed record GateView(string Name, string PolicyVersion, string Recorded, bool? Recomputed, IReadOnlyList<GateCheckRow> Rows, string? Problem)
{
    /// <summary>True when the recomputed verdict is the recorded one.</summary>
    public bool Agrees => Recomputed is { } passed && (passed ? "passed" : "failed") == Recorded;

    public static GateView Quality(QcVerdict verdict, string policyVersion, string recorded)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new("Quality-control gate", policyVersion, recorded, verdict.Passed,
            [.. verdict.Findings.Select(f => new GateCheckRow(f.Check, OutcomeName(f.Outcome), f.Value, f.Comparison, f.Threshold, f.Detail, f.Waiver))], null);
    }

    public static GateView Evaluation(EvaluationVerdict verdict, string policyVersion, string recorded)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return new("Evaluation gate", policyVersion, recorded, verdict.Passed,
            [.. verdict.Findings.Select(f => new GateCheckRow(f.Check, OutcomeName(f.Outcome), f.Value, f.Comparison, f.Threshold, f.Detail, f.Waiver))], null);
    }

    /// <summary>A gate whose evidence could not be read back: the recorded verdict and why nothing more is shown.</summary>
    public static GateView Unreadable(string name, string policyVersion, string recorded, string problem) => new(name, policyVersion, recorded, null, [], problem);

    /// <summary>The outcome's name as the ledger and the evidence report write it ("not-measured").</summary>
    private static string OutcomeName(CheckOutcome outcome) => JsonSerializer.Serialize(outcome).Trim('"');
}
