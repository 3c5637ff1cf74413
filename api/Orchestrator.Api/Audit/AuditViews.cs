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

/// <summary>POST /api/audit/verify: one stream, or the whole ledger when omitted.</summary>
public sealed record VerifyRequest(string? StreamId);

/// <summary>The verification result.</summary>
public sealed record VerifyResponse(bool Valid, long EventsChecked, int StreamsChecked, int CheckpointsChecked, IReadOnlyList<string> Failures)
{
    public static VerifyResponse From(VerificationReport r) =>
        new(r.IsValid, r.EventsChecked, r.StreamsChecked, r.CheckpointsChecked, r.Failures.Select(f => f.ToString()).ToList());
}

/// <summary>POST /api/audit/export: the streams to export, or every stream when omitted.</summary>
public sealed record ExportRequest(IReadOnlyList<string>? StreamIds);

/// <summary>An export job: pending, completed (with the bundle's link) or failed.</summary>
public sealed record ExportStatus(string ExportId, string Status, DateTimeOffset RequestedAt, string RequestedBy, long? EventCount, string? Sha256, string? Bundle, string? Error);
