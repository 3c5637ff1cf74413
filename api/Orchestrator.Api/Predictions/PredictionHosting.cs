namespace Orchestrator.Api.Predictions;

/// <summary>What the API host adds for reading prediction requests (serving itself is Operations' AddModelServing).</summary>
public static class PredictionHosting
{
    /// <summary>The image limits checked before any decode (validated at start-up) and the decode slots.</summary>
    public static WebApplicationBuilder AddPredictionInput(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PredictLimits>().Bind(builder.Configuration.GetSection(PredictLimits.Section))
            .Validate(l => l is { MaxImageSide: >= 1, MaxImagePixels: >= 1, MaxRequestPixels: >= 1, MaxConcurrentDecodes: >= 0 } && l.DecodeWait >= TimeSpan.Zero,
                $"{PredictLimits.Section}: MaxImageSide, MaxImagePixels and MaxRequestPixels must be at least 1, MaxConcurrentDecodes and DecodeWait not negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DecodeSlots>();
        return builder;
    }
}
