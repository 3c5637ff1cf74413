using System.Diagnostics.Metrics;

namespace Orchestrator.Api.Hosting;

/// <summary>
/// The API's own meters (meter "Orchestrator"): runs started and cancelled, approval decisions and how long
/// a decision took after the request. Stage and gate outcomes are counted where they happen, in the workers.
/// </summary>
public sealed class ApiMetrics
{
    private readonly Counter<long> _runs;
    private readonly Counter<long> _approvals;
    private readonly Histogram<double> _approvalLatency;

    public ApiMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(ServiceDefaults.TelemetryName);
        _runs = meter.CreateCounter<long>("orchestrator.runs", "{run}", "Runs by stage and outcome, as the API saw them change.");
        _approvals = meter.CreateCounter<long>("orchestrator.approvals", "{approval}", "Signed approval decisions.");
        _approvalLatency = meter.CreateHistogram<double>("orchestrator.approval.latency", "s", "Time from the approval request to a signed decision.");
    }

    public void RunStarted(string model) => _runs.Add(1, new("stage", "requested"), new("outcome", "started"), new("model", model));

    public void RunCancelled(string stage) => _runs.Add(1, new("stage", stage), new("outcome", "cancelled"));

    public void ApprovalSigned(string decision, TimeSpan? sinceRequest)
    {
        _approvals.Add(1, new KeyValuePair<string, object?>("decision", decision));
        if (sinceRequest is { } latency)
        {
            _approvalLatency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("decision", decision));
        }
    }
}
