using Microsoft.AspNetCore.Antiforgery;
using Orchestrator.Api.Artifacts;
using Orchestrator.Api.Audit;

namespace Orchestrator.Api.Console;

/// <summary>
/// The approver and auditor console at /console (docs/console.md, ADR 0034): Razor Pages rendered on the server, every
/// asset served by this host, no script. Pages call the same services as the API's endpoints, and the downloads are the
/// API's own handlers mapped under /console with the session's policy.
/// </summary>
public static class ConsoleSetup
{
    public static WebApplicationBuilder AddOrchestratorConsole(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        options.Authority ??= builder.Configuration["Orchestrator:Auth:Authority"];
        builder.Services.AddSingleton(options);
        builder.AddConsoleAuthentication(options);
        builder.Services.AddRazorPages(pages => pages.RootDirectory = "/Console/Pages");
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "orchestrator-console-antiforgery";
            antiforgery.Cookie.Path = ConsolePaths.Root;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "__console-antiforgery";
        });
        builder.Services.AddSingleton<Orchestrator.Operations.Evidence.EvidenceReader>();
        builder.Services.AddScoped<Runs.ApprovalStanding>();
        builder.Services.AddScoped<Runs.RunPageLoader>();
        builder.Services.AddScoped<Inbox.InboxLoader>();
        builder.Services.AddScoped<Models.ModelPageLoader>();
        return builder;
    }

    public static WebApplication MapOrchestratorConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapRazorPages();
        app.MapGet(ConsolePaths.Stylesheet, ConsoleAssets.Stylesheet).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(ConsolePaths.Root + "/evidence/{evidenceDigest}/{file}", ConsoleAssets.EvidenceImageAsync)
            .RequireAuthorization(ConsoleAuth.Read).ExcludeFromDescription();
        // The API's handlers, over the console's session: one code path for a download whichever way it is asked for.
        app.MapGet(ConsolePaths.Root + "/artifacts/{digest}", ArtifactEndpoints.GetAsync).RequireAuthorization(ConsoleAuth.Read).ExcludeFromDescription();
        app.MapGet(ConsolePaths.Root + "/audit/exports/{exportId}/bundle", AuditEndpoints.BundleAsync).RequireAuthorization(ConsoleAuth.Audit).ExcludeFromDescription();
        app.MapGet(ConsolePaths.Root + "/audit/public-key", AuditEndpoints.PublicKey).RequireAuthorization(ConsoleAuth.Read).ExcludeFromDescription();
        return app;
    }
}
