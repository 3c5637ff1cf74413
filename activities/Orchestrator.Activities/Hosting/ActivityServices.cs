using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Deploy;
using Orchestrator.Activities.Monitor;
using Orchestrator.Operations.Hosting;

namespace Orchestrator.Activities.Hosting;

/// <summary>Registers what the activity classes need, so a worker can construct any of them per invocation.</summary>
public static class ActivityServices
{
    /// <summary>
    /// Adds the backends (<see cref="BackendServices.AddOrchestratorBackends"/>: ledger, artifact store, policy catalog;
    /// a host that registered them first keeps its own), serving and model operations (<see cref="ServingServices.AddModelServing"/>),
    /// the worker's audit identity, <see cref="StageAudit"/>, the canary observer, the training-reference cache and
    /// every activity class of <see cref="ActivityCatalog"/> (scoped).
    /// </summary>
    public static IServiceCollection AddOrchestratorActivities(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOrchestratorBackends(configuration);
        services.AddModelServing();

        services.AddOptions<WorkerIdentityOptions>().Bind(configuration.GetSection(WorkerIdentityOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WorkerIdentityOptions>>().Value.ToIdentity());
        services.TryAddSingleton<StageAudit>();
        services.TryAddSingleton<CanaryObserver>();
        services.TryAddSingleton<MeasureReferenceCache>();
        foreach (var type in ActivityCatalog.Classes)
        {
            services.TryAddScoped(type);
        }

        return services;
    }
}
