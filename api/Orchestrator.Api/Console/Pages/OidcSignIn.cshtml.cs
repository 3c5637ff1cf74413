using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Orchestrator.Api.Console.Pages;

/// <summary>Starts the OpenID Connect authorization code flow (with PKCE); the provider returns to /console/signin-oidc.</summary>
[AllowAnonymous]
public sealed class OidcSignInModel(ConsoleOptions options) : PageModel
{
    public IActionResult OnGet(string? returnUrl) => options.UsesOpenIdConnect
        ? Challenge(new AuthenticationProperties { RedirectUri = SignInModel.LocalReturn(returnUrl) }, ConsoleAuth.OidcScheme)
        : NotFound();
}
