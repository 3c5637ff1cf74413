using System.Diagnostics;
using Temporalio.Api.Common.V1;
using Temporalio.Converters;

namespace Orchestrator.Hosting.Tracing;

/// <summary>
/// The W3C trace context in a Temporal header: key "_tracer-data", a JSON object with "traceparent" (and
/// "tracestate" when there is one), the key and shape Temporal's own OpenTelemetry integrations use.
/// </summary>
internal static class TraceHeaders
{
    public const string Key = "_tracer-data";

    /// <summary>Headers plus <paramref name="activity"/>'s context; unchanged when there is no current activity.</summary>
    public static IDictionary<string, Payload>? Inject(IDictionary<string, Payload>? headers, Activity? activity)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return headers;
        }

        var carrier = new Dictionary<string, string> { ["traceparent"] = activity.Id! };
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            carrier["tracestate"] = state;
        }

        var result = headers is null ? new Dictionary<string, Payload>() : new Dictionary<string, Payload>(headers);
        result[Key] = DataConverter.Default.PayloadConverter.ToPayload(carrier);
        return result;
    }

    /// <summary>Headers plus the running workflow's start trace context (read from its start headers).</summary>
    public static IDictionary<string, Payload>? Forward(IDictionary<string, Payload>? headers)
    {
        if (Temporalio.Workflows.Workflow.Info.Headers is not { } start || !start.TryGetValue(Key, out var context) || headers?.ContainsKey(Key) == true)
        {
            return headers;
        }

        var result = headers is null ? new Dictionary<string, Payload>() : new Dictionary<string, Payload>(headers);
        result[Key] = context;
        return result;
    }

    /// <summary>The trace context in <paramref name="headers"/>, or null when there is none (or it is malformed).</summary>
    public static ActivityContext? Extract(IReadOnlyDictionary<string, Payload>? headers)
    {
        if (headers is null || !headers.TryGetValue(Key, out var payload))
        {
            return null;
        }

        try
        {
            var carrier = DataConverter.Default.PayloadConverter.ToValue<Dictionary<string, string>>(payload);
            return carrier.TryGetValue("traceparent", out var parent)
                && ActivityContext.TryParse(parent, carrier.GetValueOrDefault("tracestate"), isRemote: true, out var context)
                ? context
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            // Telemetry must never fail a workflow or an activity.
            return null;
        }
    }
}
