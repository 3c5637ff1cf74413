using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orchestrator.Api.Hosting;

/// <summary>Cross-cutting host setup: OpenTelemetry traces, metrics and logs; liveness and readiness.</summary>
public static class ServiceDefaults
{
    /// <summary>The names of the service's own activity sources and meters.</summary>
    public const string TelemetryName = "Orchestrator";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        var exporter = TelemetryExporter(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("orchestrator-api", serviceVersion: typeof(ServiceDefaults).Assembly.GetName().Version?.ToString()))
            .WithTracing(t =>
            {
                t.AddSource(TelemetryName, "Temporalio.*", Orchestrator.Hosting.Tracing.TraceContextInterceptor.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql();
                if (exporter == "otlp") { t.AddOtlpExporter(); } else if (exporter == "console") { t.AddConsoleExporter(); }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(TelemetryName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (exporter == "otlp") { m.AddOtlpExporter(); } else if (exporter == "console") { m.AddConsoleExporter(); }
            });
        if (exporter == "otlp")
        {
            telemetry.WithLogging(l => l.AddOtlpExporter());
        }

        builder.Services.AddSingleton<ReadinessProbes>();
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessProbes.Postgres>("postgres", tags: ["ready"])
            .AddCheck<ReadinessProbes.BlobStorage>("blob-storage", tags: ["ready"])
            .AddCheck<ReadinessProbes.Temporal>("temporal", tags: ["ready"])
            .AddCheck<ReadinessProbes.Compute>("compute", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = ReadinessProbes.WriteReportAsync,
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Orchestrator:Telemetry:Exporter = otlp | console | none; default otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set, else console.</summary>
    private static string TelemetryExporter(ConfigurationManager configuration) =>
        configuration["Orchestrator:Telemetry:Exporter"]?.ToLowerInvariant()
        ?? (string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ? "console" : "otlp");
}
