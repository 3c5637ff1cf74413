using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Decommission;
using Orchestrator.Activities.Serving;
using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Serving;

namespace Orchestrator.Activities.Deploy;

/// <summary>Registers what the operate stages (deploy, serve, monitor, decommission) need beyond the shared activity services.</summary>
public static class DeployServices
{
    /// <summary>
    /// Adds the prediction log, the canary observer, the in-process model server with its predictor cache
    /// (sessions loaded from Blob Storage by digest), the human model operations and the decommissioner.
    /// </summary>
    public static IServiceCollection AddDeployServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PredictionLog>();
        services.TryAddSingleton<CanaryObserver>();
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
