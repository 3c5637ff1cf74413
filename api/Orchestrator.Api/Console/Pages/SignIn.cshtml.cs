using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Orchestrator.Api.Console.Pages;

/// <summary>The ways in: OpenID Connect when configured, the development identities in Development.</summary>
[AllowAnonymous]
public sealed class SignInModel(ConsoleOptions options, IWebHostEnvironment environment) : PageModel
{
    public bool Oidc => options.UsesOpenIdConnect;

    public bool Development => DevelopmentSignInModel.Offered(environment);

    public string ReturnUrl { get; private set; } = ConsolePaths.Root;

    public void OnGet(string? returnUrl) => ReturnUrl = LocalReturn(returnUrl);

    /// <summary>A return address inside the console, never elsewhere (no open redirect).</summary>
    internal static string LocalReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2000 } url && url.StartsWith(ConsolePaths.Root, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && (url.Length == ConsolePaths.Root.Length || url[ConsolePaths.Root.Length] is '/' or '?')
            ? url
            : ConsolePaths.Root;
}
