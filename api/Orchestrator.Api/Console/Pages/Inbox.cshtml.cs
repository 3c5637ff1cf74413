using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Orchestrator.Api.Console.Inbox;
using Orchestrator.Api.Identity;

namespace Orchestrator.Api.Console.Pages;

/// <summary>The approver's inbox: what waits for them first, then what waits for others and why not for them.</summary>
[Authorize(Policy = ConsoleAuth.Approve)]
public sealed class InboxModel(InboxLoader loader) : PageModel
{
    public IReadOnlyList<InboxItem> Items { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var (user, roles) = HttpContext.Caller();
        Items = await loader.LoadAsync(user, roles, HttpContext.RequestAborted);
    }
}
