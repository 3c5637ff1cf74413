namespace Orchestrator.Workflows.Policies;

/// <summary>
/// The measured value a gate's finding compared with the policy's bound, kept on the finding so a reader (the
/// console's run page, an auditor) sees the number and the bound, not only the sentence.
/// </summary>
/// <param name="Value">The measured value; NaN when it was not measured.</param>
/// <param name="Comparison">"at least" or "at most".</param>
/// <param name="Threshold">The policy's bound.</param>
internal sealed record FindingBound(double Value, string Comparison, double Threshold);
