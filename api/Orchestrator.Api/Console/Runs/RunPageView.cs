using Orchestrator.Audit.Replay;
using Orchestrator.Operations.Evidence;

namespace Orchestrator.Api.Console.Runs;

/// <summary>Everything the run page shows, read from the ledger and the artifacts it names.</summary>
public sealed record RunPageView(
    RunSummary Run,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<GateView> Gates,
    StoredEvidence? Evidence,
    ApprovalView? Approval,
    IReadOnlyList<Download> Downloads);

/// <summary>An artifact the ledger names for this run, downloadable by its digest (the download is hash-checked).</summary>
public sealed record Download(string Name, string Digest, string Recorded);

/// <summary>
/// The open approval request and where the viewer stands: the <paramref name="Signatures"/> on this evidence so far,
/// whether the approval rules would count the viewer's signature now (<paramref name="ViewerMaySign"/>) and why, in one
/// sentence (<paramref name="Eligibility"/>: separation of duties, roles, deadline, already signed).
/// </summary>
public sealed record ApprovalView(
    string EvidenceDigest,
    int Quorum,
    IReadOnlyList<string> RequiredRoles,
    IReadOnlyList<string> EligibleRoles,
    DateTimeOffset Deadline,
    IReadOnlyList<ApprovalRecord> Signatures,
    bool ViewerMaySign,
    string Eligibility);
