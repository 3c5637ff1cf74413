namespace Orchestrator.Workflows.Lifecycle;

/// <summary>What a gate decided, with the evidence it decided on.</summary>
/// <param name="Passed">True when the evidence satisfies the policy.</param>
/// <param name="Reasons">Why it failed (empty when passed), one readable line each.</param>
/// <param name="EvidenceDigest">"sha256:..." of the stored evidence document.</param>
/// <param name="EvidenceUri">Where the evidence document is stored.</param>
public sealed record GateOutcome(bool Passed, IReadOnlyList<string> Reasons, string EvidenceDigest, string EvidenceUri);
