namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// The <c>Workflow.Patched</c> ids of changes to shipped lifecycle logic. A run started before a change
/// replays its history without the change (Patched returns false where the history has no marker); new
/// runs take the new path. Never reuse or rename an id; once no run older than a change can still be open
/// (Temporal's retention has passed), replace Patched with DeprecatePatch, then remove it. See docs/workflow.md.
/// </summary>
public static class Patches
{
    /// <summary>Stages wait for their activity to acknowledge a cancellation before the run records it (was: try-cancel).</summary>
    public const string StageCancellationWaits = "stage-cancellation-waits";

    /// <summary>After a promoted deployment the run hands over to the model's monitor (signal-with-start ProductionChanged).</summary>
    public const string MonitorHandover = "monitor-handover";

    /// <summary>The monitor keeps its window open until enough predictions (and, separately, labelled feedback) were seen to judge, within the policy's maximum evidence age, and reports since when a version has gone unjudged (was: the window reset at every check).</summary>
    public const string MonitorEvidenceAccumulates = "monitor-evidence-accumulates";

    /// <summary>A new monitor's first window opens when the hand-over started it (the workflow's start on the server), so a CheckNow handled in its first workflow task measures the traffic since then (was: the first task's time, an empty window [start, start]).</summary>
    public const string MonitorWindowFromStart = "monitor-window-from-start";

    /// <summary>A cancellation while the run pins its policy or records its start is recorded as RunCancelled (was: the run closed with no ledger record).</summary>
    public const string CancelledWhileStarting = "cancelled-while-starting";

    /// <summary>Under a policy with "quality.goldAudit": "human" the run waits (until the policy's deadline) for a reviewer's gold audit before QC (was: QC always audited with the source's own labels).</summary>
    public const string HumanGoldAudit = "human-gold-audit";
    /// <summary>A canary held for too little traffic waits for a person's signed promote/rollback decision until the approval deadline, then rolls back (was: the run failed at once with the canary left at its share).</summary>
    public const string CanaryHoldDecision = "canary-hold-decision";

    /// <summary>When every approver of the quorum accepted deploying without a canary comparison, the deploy activity receives that acceptance and promotes a first deployment short of traffic (was: onInsufficientEvidence applied regardless).</summary>
    public const string AcceptNoCanaryComparison = "accept-no-canary-comparison";
}
