using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Orchestrator.Api.Console.Pages;

/// <summary>
/// Ends the console session (a POST with the antiforgery token, so another site cannot sign you out). Open to anyone, but
/// authenticated with the console's cookie: the token in the layout's form was issued to the signed-in person, and under
/// the host's default (bearer) scheme the POST would look anonymous and fail antiforgery validation with a 400.
/// </summary>
[AllowAnonymous]
[Authorize(AuthenticationSchemes = ConsoleAuth.Scheme)]
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAuth.Scheme);
        return RedirectToPage();
    }
}
