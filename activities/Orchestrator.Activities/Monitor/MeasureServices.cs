using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orchestrator.Activities.Monitor;

/// <summary>Registers what the health measurement needs beyond the shared activity services and the prediction log (Deploy).</summary>
public static class MeasureServices
{
    /// <summary>Adds the per-process cache of parsed training references.</summary>
    public static IServiceCollection AddMeasureServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<MeasureReferenceCache>();
        return services;
    }
}
