using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Activities.Serving;

namespace Orchestrator.Activities.Deploy;

/// <summary>Registers what the operate stages (deploy, serve, monitor, decommission) need beyond the shared activity services.</summary>
public static class DeployServices
{
    /// <summary>Adds the prediction log and the canary observer (singletons over the ledger's database).</summary>
    public static IServiceCollection AddDeployServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PredictionLog>();
        services.TryAddSingleton<CanaryObserver>();
        return services;
    }
}
