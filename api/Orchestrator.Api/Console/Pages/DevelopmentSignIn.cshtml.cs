using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;
using Orchestrator.Client;

namespace Orchestrator.Api.Console.Pages;

/// <summary>
/// The Development environment's sign-in: it mints a development token for the chosen identity with the key the bearer
/// scheme validates (as `./orchestrator dev token` does), validates it with the bearer scheme's own parameters and rules,
/// and opens a console session for the identity the token establishes. Outside Development the page answers 404.
/// </summary>
[AllowAnonymous]
public sealed class DevelopmentSignInModel(IWebHostEnvironment environment, IOptionsMonitor<JwtBearerOptions> bearer) : PageModel
{
    /// <summary>A development identity offered with one click.</summary>
    public sealed record Person(string User, string[] Roles, string Description);

    /// <summary>The demo's people (`./run.sh demo`), with the roles it gives them.</summary>
    public static IReadOnlyList<Person> People { get; } =
    [
        new("alice", [Roles.MlEngineer, Roles.Approver], "trains models and starts runs; an approver elsewhere"),
        new("bob", [Roles.Approver], "reviews and signs"),
        new("carol", [Roles.Approver], "reviews and signs"),
        new("dave", [Roles.Auditor], "verifies and exports the ledger"),
    ];

    [BindProperty(Name = "User")]
    public string? UserName { get; set; }

    [BindProperty(Name = "Roles")]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    /// <summary>Whether this sign-in exists in <paramref name="environment"/>.</summary>
    public static bool Offered(IWebHostEnvironment environment) => environment.IsDevelopment();

    public IActionResult OnGet()
    {
        ReturnUrl = SignInModel.LocalReturn(ReturnUrl);
        return Offered(environment) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Offered(environment))
        {
            return NotFound();
        }

        ReturnUrl = SignInModel.LocalReturn(ReturnUrl);
        var roles = SelectedRoles.Distinct(StringComparer.Ordinal).ToList();
        if (string.IsNullOrWhiteSpace(UserName) || roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            Error = $"Name a user and at least one role of: {string.Join(", ", Roles.All)}.";
            return Page();
        }

        var parameters = bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        if (parameters.IssuerSigningKey is not SymmetricSecurityKey key)
        {
            Error = "This service validates tokens from an identity provider, so there are no development identities to issue.";
            return Page();
        }

        var token = DevelopmentTokens.Mint(key, parameters.ValidIssuer, parameters.ValidAudience, UserName.Trim(), roles, TimeSpan.FromMinutes(5));
        var handler = new JsonWebTokenHandler { MapInboundClaims = false };
        var validated = await handler.ValidateTokenAsync(token, parameters);
        var refusal = validated.IsValid ? BearerEvents.Refusal(validated.SecurityToken as JsonWebToken, new System.Security.Claims.ClaimsPrincipal(validated.ClaimsIdentity)) : "the token did not validate";
        if (refusal is not null)
        {
            Error = "That identity cannot sign in: " + refusal;
            return Page();
        }

        var subject = validated.ClaimsIdentity.FindFirst("sub")!.Value;
        var principal = ConsoleAuth.Principal(subject, validated.ClaimsIdentity.FindAll("roles").Select(c => c.Value), "development");
        await HttpContext.SignInAsync(ConsoleAuth.Scheme, principal);
        return LocalRedirect(ReturnUrl);
    }
}
