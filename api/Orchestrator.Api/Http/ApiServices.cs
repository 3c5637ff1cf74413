using FluentValidation;
using Orchestrator.Api.Hosting;
using Orchestrator.Api.Runs;

namespace Orchestrator.Api.Http;

/// <summary>The services of the API's resources: validators, the run starter, meters, export jobs.</summary>
public static class ApiServices
{
    public static IServiceCollection AddOrchestratorApi(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<RunStarter>(ServiceLifetime.Singleton);
        services.AddSingleton<ApiMetrics>();
        services.AddScoped<RunStarter>();
        services.AddSingleton<Audit.ExportJobs>();
        services.AddSingleton<Datasets.DatasetRegistry>();
        // Enums as their names in every response (statuses, decisions, verdicts), as the ledger stores them.
        // Unknown members are refused (400), not ignored: a misspelt optional field ("streamID") must not silently
        // widen a request (verify or export everything), and a name with invalid UTF-8 must not slip through.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        return services;
    }
}
