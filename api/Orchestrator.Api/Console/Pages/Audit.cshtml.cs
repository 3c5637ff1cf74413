using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Audit;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Api.Console.Pages;

/// <summary>
/// The auditor's page: verify the ledger or one stream, replay a run's or model's state at an instant, export a signed bundle
/// and download it with the public key. Each goes through the code the /api/audit endpoints run, after the same validators.
/// </summary>
[Authorize(Policy = ConsoleAuth.Audit)]
public sealed class AuditModel(LedgerVerifier verifier, CheckpointSigner signer, LedgerReplay replay, ExportJobs jobs, AuditReadModels readModels,
    IValidator<VerifyRequest> verifyRules, IValidator<ExportRequest> exportRules) : PageModel
{
    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Stream ids to pick from (the latest runs and every model).</summary>
    public IReadOnlyList<string> Streams { get; private set; } = [];

    public VerifyResponse? Verification { get; private set; }

    /// <summary>The stream the last verification named (null: the whole ledger).</summary>
    public string? VerifiedStream { get; private set; }

    public ExportStatus? Export { get; private set; }

    /// <summary>The replayed state as JSON, or why there is none.</summary>
    public string? State { get; private set; }

    public string? StateProblem { get; private set; }

    public string? Refusal { get; private set; }

    public string FormKey { get; } = "console-" + Idempotency.NewId(32);

    [BindProperty(SupportsGet = true, Name = "stream")]
    public string? StateStream { get; set; }

    [BindProperty(SupportsGet = true, Name = "at")]
    public DateTime? StateAt { get; set; }

    public async Task OnGetAsync(string? export)
    {
        await LoadStreamsAsync();
        if (export is not null && AuditEndpoints.IsExportId(export))
        {
            Export = await jobs.FindAsync(export);
        }

        if (StateStream is { Length: > 0 } stream)
        {
            if (!StreamIds.IsStreamId(stream))
            {
                StateProblem = "Name a run-... or model-... stream.";
                return;
            }

            var at = StateAt is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            var state = await AuditEndpoints.ReplayAsync(replay, stream, null, at, HttpContext.RequestAborted);
            if (state is null)
            {
                StateProblem = $"Nothing was recorded in '{stream}' by {(at is { } t ? t.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "now")}.";
            }
            else
            {
                State = JsonSerializer.Serialize(state, state.GetType(), Pretty);
            }
        }
    }

    public async Task<IActionResult> OnPostVerifyAsync(string? streamId, string? anchor)
    {
        await LoadStreamsAsync();
        var request = new VerifyRequest(string.IsNullOrWhiteSpace(streamId) ? null : streamId.Trim(), string.IsNullOrWhiteSpace(anchor) ? null : anchor.Trim());
        var validation = await verifyRules.ValidateAsync(request, HttpContext.RequestAborted);
        if (!validation.IsValid)
        {
            Refusal = string.Join(" ", validation.Errors.Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        VerifiedStream = request.StreamId;
        Verification = await AuditEndpoints.VerifyReportAsync(verifier, signer, request, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync(string? streamIds, string? key)
    {
        var streams = streamIds?.Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var request = new ExportRequest(streams is { Length: > 0 } ? streams : null);
        var validation = await exportRules.ValidateAsync(request, HttpContext.RequestAborted);
        if (!validation.IsValid)
        {
            await LoadStreamsAsync();
            Refusal = string.Join(" ", validation.Errors.Select(e => e.ErrorMessage));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var idempotencyKey = key is { Length: > 0 and <= Idempotency.MaxLength } && key.All(c => c is >= '!' and <= '~') ? key : null;
        try
        {
            var status = await AuditEndpoints.StartExportAsync(jobs, HttpContext.Caller().User, idempotencyKey, request);
            return Redirect($"{ConsolePaths.Audit}?export={status.ExportId}#export");
        }
        catch (ExportQuotaExceededException e)
        {
            await LoadStreamsAsync();
            Refusal = e.Message;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
    }

    private async Task LoadStreamsAsync()
    {
        var runs = await readModels.ListRunsAsync(new RunFilter(), 0, 50, HttpContext.RequestAborted);
        var models = await readModels.ListModelsAsync(HttpContext.RequestAborted);
        Streams = [.. models.Select(m => m.Id), .. runs.Select(r => r.Id)];
    }
}
