using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Approvals;
using Orchestrator.Api.Console.Runs;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using Orchestrator.Workflows.Approve;

namespace Orchestrator.Api.Console.Pages;

/// <summary>
/// A run: its timeline, gates, evidence and downloads; for an approver, while it awaits approval, the decision form. A
/// decision goes through <see cref="ApprovalService"/>, the service POST /api/runs/{id}/approvals uses, after the same validator: the
/// workflow's approval rules first, then the ledger entry, then the workflow's judgement as a Temporal update.
/// </summary>
[Authorize(Policy = ConsoleAuth.Read)]
public sealed class RunModel(RunPageLoader loader, ApprovalService approvals, IValidator<SubmitApprovalRequest> validator) : PageModel
{
    public RunPageView View { get; private set; } = null!;

    /// <summary>A fresh key per rendered form: submitting the same form twice signs once.</summary>
    public string FormKey { get; } = "console-" + Idempotency.NewId(32);

    /// <summary>Why a decision was not recorded, when it was not.</summary>
    public string? Refusal { get; private set; }

    /// <summary>The ledger entry that recorded the viewer's decision, after one ("run-...@version").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Recorded { get; set; }

    /// <summary><see cref="Recorded"/> when it names an entry of this run's stream.</summary>
    public string? SignedEntry => Recorded is { } s && View is not null && s.StartsWith(View.Run.Id + "@", StringComparison.Ordinal)
        && long.TryParse(s.AsSpan(View.Run.Id.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) ? s : null;

    public bool ViewerIsApprover => User.Has(Roles.Approver);

    public async Task<IActionResult> OnGetAsync(string runId) => await LoadAsync(runId) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDecideAsync(string runId, string decision, string? reason, string evidenceDigest, string key, bool acceptNoCanaryComparison = false)
    {
        var (user, roles) = HttpContext.Caller();
        if (!ViewerIsApprover)
        {
            return await RefuseAsync(runId, StatusCodes.Status403Forbidden, "Your roles do not allow signing: only approvers sign decisions.");
        }

        var request = new SubmitApprovalRequest(decision, reason ?? "", evidenceDigest, acceptNoCanaryComparison ? true : null);
        var validation = await validator.ValidateAsync(request, HttpContext.RequestAborted);
        if (!validation.IsValid)
        {
            return await RefuseAsync(runId, StatusCodes.Status400BadRequest, string.Join(" ", validation.Errors.Select(e => e.ErrorMessage)));
        }

        var idempotencyKey = key is { Length: > 0 and <= Idempotency.MaxLength } && key.All(c => c is >= '!' and <= '~') ? key : null;
        var submission = new ApprovalSubmission(runId, user, roles, request.Decision == "approve" ? ApprovalDecision.Approve : ApprovalDecision.Reject, request.Reason,
            request.EvidenceDigest, idempotencyKey, $"http:{HttpContext.TraceIdentifier}", request.AcceptNoCanaryComparison == true);
        var result = await approvals.SubmitAsync(submission, HttpContext.RequestAborted);
        return result.Status switch
        {
            ApprovalSubmissionStatus.Judged or ApprovalSubmissionStatus.Recorded =>
                Redirect($"{ConsolePaths.Run(runId)}?recorded={Uri.EscapeDataString($"{result.Entry!.StreamId}@{result.Entry.Version}")}"),
            ApprovalSubmissionStatus.NotFound => NotFound(),
            ApprovalSubmissionStatus.Forbidden => await RefuseAsync(runId, StatusCodes.Status403Forbidden, result.Detail),
            ApprovalSubmissionStatus.Conflict => await RefuseAsync(runId, StatusCodes.Status409Conflict, result.Detail),
            _ => await RefuseAsync(runId, StatusCodes.Status503ServiceUnavailable, result.Detail),
        };
    }

    private async Task<IActionResult> RefuseAsync(string runId, int status, string why)
    {
        if (!await LoadAsync(runId))
        {
            return NotFound();
        }

        Refusal = why;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(string runId)
    {
        var (user, roles) = HttpContext.Caller();
        View = (await loader.LoadAsync(runId, user, roles, HttpContext.RequestAborted))!;
        return View is not null;
    }
}
