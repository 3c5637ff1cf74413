using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Api.Console.Pages;

/// <summary>Every registered model (the registry read model GET /api/models lists).</summary>
[Authorize(Policy = ConsoleAuth.Read)]
public sealed class ModelsModel(AuditReadModels readModels) : PageModel
{
    public IReadOnlyList<ModelRegistryEntry> Models { get; private set; } = [];

    public async Task OnGetAsync() => Models = await readModels.ListModelsAsync(HttpContext.RequestAborted);
}
