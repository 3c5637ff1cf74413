using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Orchestrator.Api.Identity;
using Orchestrator.Client;

namespace Orchestrator.Api.Console;

/// <summary>
/// The console's identities: a cookie session (HttpOnly, SameSite=Lax, sliding) holding the subject and roles that
/// OpenID Connect or the Development sign-in established, checked by the same rules as a bearer token's
/// (<see cref="BearerEvents.Refusal"/>). The API's endpoints never accept the cookie: their policies use the bearer scheme,
/// the console's pages only the cookie, so a page cannot be driven by a token nor an endpoint by a browser session.
/// </summary>
public static class ConsoleAuth
{
    /// <summary>The cookie scheme of console sessions.</summary>
    public const string Scheme = "console";

    /// <summary>The OpenID Connect scheme (registered only when configured).</summary>
    public const string OidcScheme = "console-oidc";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "orchestrator-console";

    /// <summary>Policy names: the API's kinds of access, over the console's session.</summary>
    public const string Read = "console-read";
    public const string Approve = "console-approve";
    public const string Audit = "console-audit";
    public const string Operate = "console-operate";

    public static void AddConsoleAuthentication(this WebApplicationBuilder builder, ConsoleOptions options)
    {
        var authentication = builder.Services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = ConsolePaths.Root;
            cookie.ExpireTimeSpan = options.SessionIdle;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = ConsolePaths.SignIn;
            cookie.LogoutPath = ConsolePaths.SignOut;
            cookie.AccessDeniedPath = ConsolePaths.Denied;
            cookie.ReturnUrlParameter = "returnUrl";
        });
        if (options.UsesOpenIdConnect)
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.SignInScheme = Scheme;
                oidc.Authority = options.Authority;
                oidc.RequireHttpsMetadata = options.RequireHttpsMetadata;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = string.IsNullOrWhiteSpace(options.ClientSecret) ? null : options.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = true;
                oidc.SaveTokens = false;
                oidc.CallbackPath = ConsolePaths.Root + "/signin-oidc";
                oidc.SignedOutCallbackPath = ConsolePaths.Root + "/signout-callback-oidc";
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                foreach (var scope in options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    oidc.Scope.Add(scope);
                }

                oidc.TokenValidationParameters.NameClaimType = "sub";
                oidc.TokenValidationParameters.RoleClaimType = options.RoleClaim;
                oidc.Events.OnTicketReceived = context =>
                {
                    // The session holds what a bearer token would: one plain subject and the roles, under the same rules.
                    var principal = context.Principal;
                    if (BearerEvents.Refusal(null, principal) is { } refusal)
                    {
                        context.Fail("The identity provider's answer is not usable: " + refusal);
                        return Task.CompletedTask;
                    }

                    context.Principal = Principal(principal!.FindFirst("sub")!.Value, principal.FindAll(options.RoleClaim).Select(c => c.Value), "oidc");
                    return Task.CompletedTask;
                };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Read, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.All))
            .AddPolicy(Approve, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.Approver))
            .AddPolicy(Audit, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(Operate, p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.Approver, Roles.Admin));
    }

    /// <summary>A session principal: the subject as "sub" and each role as "roles", as <see cref="IdentityExtensions.Caller"/> reads them.</summary>
    public static ClaimsPrincipal Principal(string subject, IEnumerable<string> roles, string method)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, subject), new("amr", method) };
        claims.AddRange(roles.Distinct(StringComparer.Ordinal).Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, JwtRegisteredClaimNames.Sub, "roles"));
    }

    /// <summary>Whether the principal holds <paramref name="role"/>.</summary>
    public static bool Has(this ClaimsPrincipal user, string role) => user.FindAll("roles").Any(c => c.Value == role);
}
