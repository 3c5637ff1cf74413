using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Api.Audit;

/// <summary>/api/audit: read a stream, replay its state at a version or instant, verify, export bundles.</summary>
public static class AuditEndpoints
{
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").WithTags("Audit");
        audit.MapGet("/streams/{streamId}/events", EventsAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("A page of a stream's entries, in order.");
        audit.MapGet("/streams/{streamId}/state", StateAsync).RequireAuthorization(AccessPolicies.Read)
            .WithSummary("A run's or model's state replayed from the ledger at a version and/or instant.");
        audit.MapPost("/verify", VerifyAsync).RequireAuthorization(AccessPolicies.Audit).Validated<VerifyRequest>()
            .WithSummary("Re-hash the ledger (or one stream), check the signed checkpoint chain against its copies outside the database, and optionally a pinned checkpoint.");
        audit.MapPost("/export", ExportAsync).RequireAuthorization(AccessPolicies.Audit).Validated<ExportRequest>()
            .WithSummary("Write a signed export bundle (202 + Location). Honours Idempotency-Key.");
        audit.MapGet("/exports/{exportId}", ExportStatusAsync).RequireAuthorization(AccessPolicies.Audit).WithSummary("An export job's status.");
        audit.MapGet("/exports/{exportId}/bundle", BundleAsync).RequireAuthorization(AccessPolicies.Audit).WithSummary("The export bundle (zip).");
        audit.MapGet("/public-key", PublicKey)
            .RequireAuthorization(AccessPolicies.Read).WithSummary("The checkpoint public key (PEM) for offline verification.");
        return app;
    }

    private static async Task<IResult> EventsAsync(string streamId, IAuditLedger ledger, long from = 1, int limit = 100, CancellationToken cancellationToken = default)
    {
        if (!StreamIds.IsStreamId(streamId))
        {
            return Problems.NotFound($"No stream '{streamId}'.");
        }

        if (from < 1 || limit is < 1 or > MaxLimit)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["from"] = ["Must be at least 1."], ["limit"] = [$"Must be between 1 and {MaxLimit}."] });
        }

        var page = await ledger.ReadStreamAsync(streamId, from, limit + 1, cancellationToken);
        if (page.Count == 0 && from == 1)
        {
            return Problems.NotFound($"No stream '{streamId}'.");
        }

        var next = page.Count > limit ? $"/api/audit/streams/{streamId}/events?from={page[limit].Version}&limit={limit}" : null;
        return TypedResults.Ok(new AuditEventPage(streamId, page.Take(limit).Select(AuditEventView.From).ToList(), next));
    }

    private static async Task<IResult> StateAsync(string streamId, LedgerReplay replay, long? version = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        if (!StreamIds.IsStreamId(streamId))
        {
            return Problems.NotFound($"No stream '{streamId}'.");
        }

        if (version is < 1)
        {
            return Problems.Validation("version", "Must be at least 1.");
        }

        var state = await ReplayAsync(replay, streamId, version, at, cancellationToken);
        return state is null ? Problems.NotFound($"Nothing was recorded in '{streamId}' by then.") : TypedResults.Ok(state);
    }

    private static async Task<IResult> VerifyAsync(VerifyRequest request, LedgerVerifier verifier, CheckpointSigner signer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await VerifyReportAsync(verifier, signer, request, cancellationToken));

    /// <summary>Verifies the ledger or one stream (a request its validator accepted); the console verifies through this too.</summary>
    internal static async Task<VerifyResponse> VerifyReportAsync(LedgerVerifier verifier, CheckpointSigner signer, VerifyRequest request, CancellationToken cancellationToken)
    {
        VerificationReport report = request.StreamId is { } stream
            ? await verifier.VerifyStreamAsync(stream, signer.PublicKeyPem, request.Anchor, cancellationToken)
            : await verifier.VerifyAsync(signer.PublicKeyPem, request.Anchor, cancellationToken);
        return VerifyResponse.From(report);
    }

    /// <summary>A run's or model's state replayed from the ledger at a version and/or instant (null: nothing recorded by then); the console's "what did we know at T".</summary>
    internal static async Task<object?> ReplayAsync(LedgerReplay replay, string streamId, long? version, DateTimeOffset? at, CancellationToken cancellationToken) =>
        streamId.StartsWith("run-", StringComparison.Ordinal)
            ? await replay.RunAsync(streamId, version, at, cancellationToken)
            : await replay.ModelAsync(streamId, version, at, cancellationToken);

    private static async Task<IResult> ExportAsync(ExportRequest request, HttpContext http, ExportJobs jobs)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var (user, _) = http.Caller();
        try
        {
            var status = await StartExportAsync(jobs, user, key, request);
            return TypedResults.Accepted($"/api/audit/exports/{status.ExportId}", status);
        }
        catch (ExportQuotaExceededException e)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Export quota spent", type: Errors.ProblemTypes.TooManyRequests);
        }
    }

    /// <summary>Starts (or, for a repeated key, finds) <paramref name="user"/>'s export job; the console exports through this too.</summary>
    /// <exception cref="ExportQuotaExceededException">The caller's quota is spent.</exception>
    internal static Task<ExportStatus> StartExportAsync(ExportJobs jobs, string user, string? key, ExportRequest request) =>
        jobs.StartAsync(key is null ? Idempotency.NewId() : Idempotency.DeriveId("export", user, key), user, request.StreamIds);

    internal static async Task<IResult> ExportStatusAsync(string exportId, ExportJobs jobs) =>
        IsExportId(exportId) && await jobs.FindAsync(exportId) is { } status ? TypedResults.Ok(status) : Problems.NotFound($"No export '{exportId}'.");

    /// <summary>The checkpoint public key (PEM); the console maps it too.</summary>
    internal static IResult PublicKey(CheckpointSigner signer) => TypedResults.Text(signer.PublicKeyPem, "application/x-pem-file");

    /// <summary>The bundle download handler; the console maps it too, under its own session policy.</summary>
    internal static async Task<IResult> BundleAsync(string exportId, ExportJobs jobs)
    {
        if (!IsExportId(exportId) || await jobs.FindAsync(exportId) is not { } status)
        {
            return Problems.NotFound($"No export '{exportId}'.");
        }

        return status.Status == "completed"
            ? TypedResults.PhysicalFile(jobs.BundlePath(exportId), "application/zip", $"audit-export-{exportId}.zip")
            : Problems.Conflict($"The export is {status.Status}{(status.Error is { } e ? ": " + e : "")}.");
    }

    internal static bool IsExportId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);
}
