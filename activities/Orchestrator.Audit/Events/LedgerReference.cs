namespace Orchestrator.Audit.Events;

/// <summary>
/// Points at one ledger entry and pins its content: the API signals a workflow with the reference of the
/// <c>ApprovalSigned</c> entry it appended, and an activity confirms the entry exists with that hash.
/// </summary>
/// <param name="StreamId">The stream holding the entry.</param>
/// <param name="Version">The entry's version (1-based position) in its stream.</param>
/// <param name="Hash">The entry's chain hash (lowercase hex SHA-256).</param>
public sealed record LedgerReference(string StreamId, long Version, string Hash);
