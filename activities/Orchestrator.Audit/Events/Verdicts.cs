namespace Orchestrator.Audit.Events;

/// <summary>The outcome of a gate (QC, evaluation) under a versioned policy.</summary>
public enum GateVerdict
{
    /// <summary>The evidence satisfies the policy.</summary>
    Passed,

    /// <summary>The evidence violates the policy; the run ends or loops back.</summary>
    Failed,
}

/// <summary>What an approver decided.</summary>
public enum ApprovalDecision
{
    /// <summary>The approver approves the model version for deployment.</summary>
    Approve,

    /// <summary>The approver rejects it.</summary>
    Reject,
}
