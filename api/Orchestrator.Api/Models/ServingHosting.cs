using Orchestrator.Activities.Deploy;

namespace Orchestrator.Api.Models;

/// <summary>Serving in the API host.</summary>
public static class ServingHosting
{
    /// <summary>Adds the in-process model server, prediction log and model operations (idempotent with the worker's registration).</summary>
    public static WebApplicationBuilder AddModelServing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDeployServices();
        builder.Services.AddOptions<Predictions.PredictLimits>().Bind(builder.Configuration.GetSection(Predictions.PredictLimits.Section))
            .Validate(l => l is { MaxImageSide: >= 1, MaxImagePixels: >= 1, MaxRequestPixels: >= 1, MaxConcurrentDecodes: >= 0 } && l.DecodeWait >= TimeSpan.Zero,
                $"{Predictions.PredictLimits.Section}: MaxImageSide, MaxImagePixels and MaxRequestPixels must be at least 1, MaxConcurrentDecodes and DecodeWait not negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Predictions.DecodeSlots>();
        return builder;
    }
}
