using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Errors;
using Orchestrator.Client;

namespace Orchestrator.Api.Identity;

/// <summary>JWT bearer authentication and one authorization policy per kind of access.</summary>
public static class IdentityExtensions
{
    public static WebApplicationBuilder AddOrchestratorIdentity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var signingKey = ResolveSigningKey(options, builder.Environment);

        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                }

                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKey = signingKey,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = "sub",
                    RoleClaimType = "roles",
                };
                jwt.Events = BearerEvents.Create();
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Read, p => p.RequireRole(Roles.All))
            .AddPolicy(AccessPolicies.StartRuns, p => p.RequireRole(Roles.MlEngineer, Roles.Admin))
            .AddPolicy(AccessPolicies.Approve, p => p.RequireRole(Roles.Approver))
            .AddPolicy(AccessPolicies.Review, p => p.RequireRole(Roles.Reviewer))
            .AddPolicy(AccessPolicies.Audit, p => p.RequireRole(Roles.Auditor, Roles.Admin))
            .AddPolicy(AccessPolicies.Operate, p => p.RequireRole(Roles.Approver, Roles.Admin))
            .AddPolicy(AccessPolicies.Predict, p => p.RequireRole(Roles.Predictors))
            .AddPolicy(AccessPolicies.Identify, p => p.RequireRole(Roles.Known));
        return builder;
    }

    private static SymmetricSecurityKey? ResolveSigningKey(AuthOptions options, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return DevelopmentTokens.KeyFromBase64(options.SigningKey, $"{AuthOptions.Section}:SigningKey");
        }

        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            return null; // keys come from the authority's discovery document
        }

        if (environment.IsDevelopment() || !string.IsNullOrWhiteSpace(options.DevelopmentKeyPath))
        {
            return DevelopmentTokens.LoadOrCreateKey(options.DevelopmentKeyPath ?? DevelopmentTokens.DefaultKeyPath());
        }

        throw new InvalidOperationException(
            $"{AuthOptions.Section}: set Authority (an OpenID Connect issuer) or SigningKey (base64, 32+ bytes); "
            + "development keys are only generated when ASPNETCORE_ENVIRONMENT=Development or DevelopmentKeyPath is set.");
    }

    /// <summary>Claims of the caller as the ledger records them.</summary>
    public static (string User, IReadOnlyList<string> Roles) Caller(this HttpContext context) =>
        (context.User.FindFirst("sub")?.Value ?? throw new InvalidOperationException("authenticated caller without a subject"),
         context.User.FindAll("roles").Select(c => c.Value).Order(StringComparer.Ordinal).ToList());
}
