using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Serving;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Operations.Hosting;

/// <summary>Serving and the decisions on model versions, for the API host and the workers alike.</summary>
public static class ServingServices
{
    /// <summary>
    /// Adds the prediction log, the in-process model server with its predictor cache (sessions loaded from Blob
    /// Storage by digest), model operations (load, decide, append) and the decommissioner. Needs
    /// <see cref="BackendServices.AddOrchestratorBackends"/>. Safe to call again: existing registrations win.
    /// </summary>
    public static IServiceCollection AddModelServing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ModelServer)))
        {
            return services;
        }

        services.TryAddSingleton<PredictionLog>();
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.Section)
            .Validate(o => o.SampleRate is >= 0 and <= 1, $"{ServingOptions.Section}:SampleRate must be between 0 and 1.")
            .Validate(o => o.MaxBatch >= 1 && o.MaxRequestBytes >= 1024, $"{ServingOptions.Section}:MaxBatch and MaxRequestBytes must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var gpu = sp.GetService<IOptions<GpuOptions>>()?.Value ?? new GpuOptions();
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(PredictorCache)) ?? NullLogger.Instance;
            return new PredictorCache(
                (digest, token) => sp.GetRequiredService<BlobArtifactStore>().GetAsync(digest, token),
                sp.GetRequiredService<IOptions<ServingOptions>>().Value.IntraOpThreads,
                OnnxExecution.PreferCuda(gpu),
                (digest, provider) => ProviderLog.Loaded(logger, digest, provider));
        });
        services.TryAddSingleton<ModelServer>();
        services.TryAddSingleton<ModelOperations>();
        services.TryAddSingleton<Decommissioner>();
        return services;
    }
}
