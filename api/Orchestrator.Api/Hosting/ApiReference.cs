using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Orchestrator.Api.Hosting;

/// <summary>
/// The OpenAPI document (at /openapi/v1.json; in Production only when Orchestrator:Api:PublishOpenApi is true) with the bearer scheme every /api endpoint needs, and
/// the interactive Scalar reference at /scalar in Development only (paste a `./orchestrator dev token` into
/// its authentication box to try requests).
/// </summary>
public static class ApiReference
{
    private const string Bearer = "Bearer";

    public static IServiceCollection AddOrchestratorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Orchestrator API";
            document.Info.Description = "Governed ML pipeline runs, approvals, the audit ledger, models, serving and artifacts. "
                + "Every /api endpoint needs a JWT bearer token with a roles claim (ml-engineer, approver, auditor, admin; predictor for predict callers).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from your identity provider; locally: ./orchestrator dev token --user alice --role ml-engineer",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] });
            return Task.CompletedTask;
        }));

    /// <summary>Publishes /openapi/v1.json; default true outside Production, false in Production (where the document maps the attack surface).</summary>
    public const string PublishSetting = "Orchestrator:Api:PublishOpenApi";

    public static WebApplication MapOrchestratorApiReference(this WebApplication app)
    {
        if (app.Configuration.GetValue(PublishSetting, !app.Environment.IsProduction()))
        {
            app.MapOpenApi();
        }

        if (app.Environment.IsDevelopment())
        {
            // Fonts from the page's origin only: the Content-Security-Policy of /scalar allows nothing else (SecurityHeaders).
            app.MapScalarApiReference(options => options.WithTitle("Orchestrator API").AddPreferredSecuritySchemes(Bearer).DisableDefaultFonts());
        }

        return app;
    }
}
