using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Approvals;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;
using Orchestrator.Client;

namespace Orchestrator.Api.Console.Pages;

/// <summary>The console's home: what waits for an approver, the latest runs and the registered models.</summary>
[Authorize(Policy = ConsoleAuth.Read)]
public sealed class IndexModel(AuditReadModels readModels, ApprovalService approvals) : PageModel
{
    private const int Latest = 25;

    public IReadOnlyList<RunSummary> Runs { get; private set; } = [];

    public IReadOnlyList<ModelRegistryEntry> Models { get; private set; } = [];

    /// <summary>How many runs wait for the viewer's decision (approvers only).</summary>
    public int? Waiting { get; private set; }

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        Runs = await readModels.ListRunsAsync(new RunFilter(), 0, Latest, cancellationToken);
        Models = await readModels.ListModelsAsync(cancellationToken);
        if (User.Has(Roles.Approver))
        {
            var (user, roles) = HttpContext.Caller();
            Waiting = (await approvals.PendingAsync(user, roles, cancellationToken)).Count;
        }
    }
}
