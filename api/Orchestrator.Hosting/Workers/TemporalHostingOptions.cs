using Microsoft.Extensions.Options;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.Hosting.Workers;

/// <summary>Which parts of the service this process runs (setting "Orchestrator:Role").</summary>
public enum ProcessRole
{
    /// <summary>API, CPU worker and GPU worker in one process: the local default.</summary>
    All,

    /// <summary>Only the Temporal client (API replicas).</summary>
    Api,

    /// <summary>Workflows and the default queue's activities.</summary>
    CpuWorker,

    /// <summary>The GPU queue's activities: train, export, evaluate.</summary>
    GpuWorker,
}

/// <summary>Where Temporal is and how this process's workers poll it (section "Orchestrator:Temporal").</summary>
public sealed class TemporalHostingOptions
{
    public const string Section = "Orchestrator:Temporal";

    /// <summary>host:port of the Temporal frontend; TEMPORAL_ADDRESS when unset.</summary>
    public string? Address { get; set; }

    /// <summary>The Temporal namespace.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The default queue: workflows, CPU stages, bookkeeping.</summary>
    public string TaskQueue { get; set; } = TaskQueues.Default;

    /// <summary>The GPU queue: train, export, evaluate.</summary>
    public string GpuTaskQueue { get; set; } = TaskQueues.Gpu;

    /// <summary>Concurrent activities of a CPU worker.</summary>
    public int MaxConcurrentActivities { get; set; } = 8;

    /// <summary>Concurrent activities of a GPU worker: one training at a time per GPU unless raised.</summary>
    public int MaxConcurrentGpuActivities { get; set; } = 1;

    /// <summary>
    /// How long a stopping worker lets running activities finish before cancelling them. Training
    /// checkpoints every epoch and heartbeats it, so the retry on another worker resumes from there.
    /// </summary>
    public TimeSpan GracefulShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest time the SDK holds back an activity heartbeat (null: the SDK's 60 s). A cancellation reaches a
    /// running activity only in a heartbeat's response, so a lower value delivers cancellation and checkpoints sooner
    /// at the cost of more heartbeat calls; tests and small deployments lower it.
    /// </summary>
    public TimeSpan? MaxHeartbeatThrottleInterval { get; set; }

    /// <summary>The address to connect to, from the setting or TEMPORAL_ADDRESS.</summary>
    public string? ResolvedAddress => Address is { Length: > 0 } a ? a : Environment.GetEnvironmentVariable("TEMPORAL_ADDRESS") is { Length: > 0 } e ? e : null;

    internal sealed class Validator : IValidateOptions<TemporalHostingOptions>
    {
        public ValidateOptionsResult Validate(string? name, TemporalHostingOptions options)
        {
            var failures = new List<string>();
            if (options.ResolvedAddress is null)
            {
                failures.Add($"{Section}:Address is required (host:port of a Temporal frontend; or set TEMPORAL_ADDRESS).");
            }

            if (string.IsNullOrWhiteSpace(options.Namespace))
            {
                failures.Add($"{Section}:Namespace must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(options.TaskQueue) || string.IsNullOrWhiteSpace(options.GpuTaskQueue))
            {
                failures.Add($"{Section}:TaskQueue and {Section}:GpuTaskQueue must not be empty.");
            }

            if (options.MaxConcurrentActivities < 1 || options.MaxConcurrentGpuActivities < 1)
            {
                failures.Add($"{Section}:MaxConcurrentActivities and {Section}:MaxConcurrentGpuActivities must be at least 1.");
            }

            if (options.GracefulShutdownTimeout < TimeSpan.Zero)
            {
                failures.Add($"{Section}:GracefulShutdownTimeout must not be negative.");
            }

            if (options.MaxHeartbeatThrottleInterval is { } throttle && throttle <= TimeSpan.Zero)
            {
                failures.Add($"{Section}:MaxHeartbeatThrottleInterval must be positive when set.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
