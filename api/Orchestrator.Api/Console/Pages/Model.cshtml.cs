using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Console.Models;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Models;
using Orchestrator.Client;

namespace Orchestrator.Api.Console.Pages;

/// <summary>
/// A model: versions, aliases, the canary's history, drift over time; for approvers and admins the operations, each through
/// <see cref="ModelOperator"/> (the service the /api/models endpoints use) after the same validators.
/// </summary>
[Authorize(Policy = ConsoleAuth.Read)]
public sealed class ModelModel(ModelPageLoader loader, ModelOperator op, IValidator<ModelOperationRequest> reasons, IValidator<PromoteRequest> promotions) : PageModel
{
    /// <summary>The operations the page offers.</summary>
    public static IReadOnlyList<string> Operations { get; } = ["stop", "resume", "promote", "rollback", "decommission"];

    public ModelPageView View { get; private set; } = null!;

    public string FormKey { get; } = "console-" + Idempotency.NewId(32);

    public string? Refusal { get; private set; }

    /// <summary>The ledger entry of the viewer's last operation ("model-...@version").</summary>
    [BindProperty(SupportsGet = true)]
    public string? Recorded { get; set; }

    public string? RecordedEntry => Recorded is { } r && View is not null && r.StartsWith(View.Model.Id + "@", StringComparison.Ordinal)
        && long.TryParse(r.AsSpan(View.Model.Id.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) ? r : null;

    public bool MayOperate => User.Has(Roles.Approver) || User.Has(Roles.Admin);

    public async Task<IActionResult> OnGetAsync(string name) => await LoadAsync(name) ? Page() : NotFound();

    public async Task<IActionResult> OnPostOperateAsync(string name, string operation, string? reason, int? version, string? key)
    {
        if (!MayOperate)
        {
            return await RefuseAsync(name, StatusCodes.Status403Forbidden, "Your roles do not allow model operations: approvers and admins operate models.");
        }

        reason ??= "";
        var invalid = operation == "promote"
            ? await promotions.ValidateAsync(new PromoteRequest(version ?? 0, reason), HttpContext.RequestAborted)
            : await reasons.ValidateAsync(new ModelOperationRequest(reason), HttpContext.RequestAborted);
        if (!invalid.IsValid || !Operations.Contains(operation) || (operation == "decommission" && version is not > 0))
        {
            return await RefuseAsync(name, StatusCodes.Status400BadRequest,
                invalid.IsValid ? "Choose an operation and, for promote and decommission, a version." : string.Join(" ", invalid.Errors.Select(e => e.ErrorMessage)));
        }

        var (user, roles) = HttpContext.Caller();
        var idempotencyKey = key is { Length: > 0 and <= Idempotency.MaxLength } && key.All(c => c is >= '!' and <= '~') ? key : null;
        var caller = new OperationCaller(user, roles, idempotencyKey, idempotencyKey is null ? $"http:{HttpContext.TraceIdentifier}" : $"idempotency-key:{idempotencyKey}");
        var token = HttpContext.RequestAborted;
        var (kind, detail, entry) = operation switch
        {
            "stop" => Entry(await op.StopAsync(name, reason, caller, token)),
            "resume" => Entry(await op.ResumeAsync(name, reason, caller, token)),
            "promote" => Entry(await op.PromoteAsync(name, version!.Value, reason, caller, token)),
            "rollback" => Entry(await op.RollbackAsync(name, reason, caller, token)),
            _ => await DecommissionAsync(name, version!.Value, reason, caller),
        };
        return kind switch
        {
            OutcomeKind.Done => Redirect($"{ConsolePaths.Model(name)}?recorded={Uri.EscapeDataString(entry ?? "")}"),
            OutcomeKind.NotFound => await RefuseAsync(name, StatusCodes.Status404NotFound, detail),
            OutcomeKind.Forbidden => await RefuseAsync(name, StatusCodes.Status403Forbidden, detail),
            OutcomeKind.Conflict => await RefuseAsync(name, StatusCodes.Status409Conflict, detail),
            _ => await RefuseAsync(name, StatusCodes.Status503ServiceUnavailable, detail),
        };
    }

    private static (OutcomeKind, string, string?) Entry(Outcome<ModelOperationAccepted> outcome) =>
        (outcome.Kind, outcome.Detail, outcome.Value is { } v ? $"{v.StreamId}@{v.LedgerVersion}" : null);

    private async Task<(OutcomeKind, string, string?)> DecommissionAsync(string name, int version, string reason, OperationCaller caller)
    {
        var outcome = await op.DecommissionAsync(name, version, reason, caller, HttpContext.RequestAborted);
        return (outcome.Kind, outcome.Detail, null);
    }

    private async Task<IActionResult> RefuseAsync(string name, int status, string why)
    {
        if (!await LoadAsync(name))
        {
            return NotFound();
        }

        Refusal = why;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(string name)
    {
        View = (await loader.LoadAsync(name, HttpContext.RequestAborted))!;
        return View is not null;
    }
}
