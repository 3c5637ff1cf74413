using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Api.Audit;

/// <summary>One ledger entry as the API shows it: the event, its envelope and its chain link.</summary>
public sealed record AuditEventView(long Version, long Sequence, string Type, DateTimeOffset RecordedAt, AuditContext Context, object Data, string PreviousHash, string Hash)
{
    public static AuditEventView From(LedgerEntry e) => new(e.Version, e.Sequence, e.EventType, e.RecordedAt, e.Context, e.Data, e.PreviousHash, e.Hash);
}

/// <summary>A page of a stream; <paramref name="Next"/> is the next page's URL, null on the last.</summary>
public sealed record AuditEventPage(string StreamId, IReadOnlyList<AuditEventView> Items, string? Next);

/// <summary>
/// POST /api/audit/verify: one stream, or the whole ledger when <paramref name="StreamId"/> is omitted; with
/// <paramref name="Anchor"/> ("sha256:..." digest of a checkpoint the auditor saw before) the verification also
/// fails if that checkpoint is gone or different.
/// </summary>
public sealed record VerifyRequest(string? StreamId, string? Anchor = null);

/// <summary>
/// The verification result. <paramref name="Valid"/> is true when nothing is wrong; <paramref name="State"/> says
/// whether every entry is anchored ("verified"), the newest ones are not yet ("unanchored-tail", see
/// <paramref name="UnanchoredTail"/>), or something is wrong ("failed"). <paramref name="Summary"/> is the one line
/// the CLI prints. <paramref name="LatestCheckpoint"/> is what to pin next time.
/// </summary>
public sealed record VerifyResponse(
    bool Valid,
    string State,
    string Summary,
    long EventsChecked,
    int StreamsChecked,
    int CheckpointsChecked,
    int CopiesCompared,
    CheckpointSummary? LatestCheckpoint,
    UnanchoredTailView? UnanchoredTail,
    IReadOnlyList<string> Failures)
{
    public static VerifyResponse From(VerificationReport r) => new(
        r.IsValid,
        r.State switch { VerificationState.Verified => "verified", VerificationState.UnanchoredTail => "unanchored-tail", _ => "failed" },
        r.Headline(),
        r.EventsChecked,
        r.StreamsChecked,
        r.CheckpointsChecked,
        r.CopiesCompared,
        r.LatestCheckpoint,
        r.UnanchoredTail is { } t ? new UnanchoredTailView(t.Entries, t.Streams, t.Since, Orchestrator.Audit.Verification.UnanchoredTail.Caveat) : null,
        r.Failures.Select(f => f.ToString()).ToList());
}

/// <summary>Entries no checkpoint covers yet (younger than the checkpoint interval), and what that means.</summary>
public sealed record UnanchoredTailView(long Entries, int Streams, DateTimeOffset Since, string Note);

/// <summary>POST /api/audit/export: the streams to export, or every stream when omitted.</summary>
public sealed record ExportRequest(IReadOnlyList<string>? StreamIds);

/// <summary>An export job: pending, completed (with the bundle's link) or failed.</summary>
public sealed record ExportStatus(string ExportId, string Status, DateTimeOffset RequestedAt, string RequestedBy, long? EventCount, string? Sha256, string? Bundle, string? Error);
