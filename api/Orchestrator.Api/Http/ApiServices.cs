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
        return services;
    }
}
