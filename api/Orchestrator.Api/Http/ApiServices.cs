using FluentValidation;
using Orchestrator.Api.Hosting;
using Orchestrator.Api.Runs;

namespace Orchestrator.Api.Http;

/// <summary>The services of the API's resources: validators, the run starter, approvals, model operations, meters, export jobs.</summary>
public static class ApiServices
{
    public static IServiceCollection AddOrchestratorApi(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<RunStarter>(ServiceLifetime.Singleton);
        services.AddSingleton<ApiMetrics>();
        services.AddScoped<RunStarter>();
        services.AddScoped<Approvals.ApprovalService>();
        services.AddScoped<GoldAudits.GoldAuditService>();
        services.AddScoped<Approvals.CanaryDecisionService>();
        services.AddOptions<Approvals.ApprovalOptions>().BindConfiguration(Approvals.ApprovalOptions.Section);
        services.AddScoped<Models.ModelOperator>();
        services.AddSingleton<Audit.ExportJobs>();
        services.AddSingleton<Datasets.DatasetRegistry>();
        // Enums as their names in every response (statuses, decisions, verdicts), as the ledger stores them.
        // Unknown members are refused (400), not ignored: a misspelt optional field ("streamID") must not silently
        // widen a request (verify or export everything), and a name with invalid UTF-8 must not slip through.
        // A member given twice (in any casing: names bind case-insensitively) is refused too, or {"streamId":"run-x",
        // "StreamID":null} would bind the last one and widen the request just the same; and no string in a body may hold
        // U+0000 or an unpaired surrogate (StorableStringConverter).
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new StorableStringConverter());
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        return services;
    }
}
