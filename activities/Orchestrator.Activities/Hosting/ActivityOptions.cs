using Orchestrator.Activities.Common;

namespace Orchestrator.Activities.Hosting;

/// <summary>How this worker names itself in the audit trail (section "Orchestrator:Worker").</summary>
public sealed class WorkerIdentityOptions
{
    public const string Section = "Orchestrator:Worker";

    /// <summary>The service name recorded as the actor of stage facts.</summary>
    public string Service { get; set; } = "orchestrator-worker";

    /// <summary>This worker's identity; empty for "{pid}@{host}". Also the Temporal worker identity.</summary>
    public string Identity { get; set; } = "";

    /// <summary>The identity the audit trail records.</summary>
    public WorkerIdentity ToIdentity() =>
        Identity is { Length: > 0 } identity ? new WorkerIdentity(Service, identity) : WorkerIdentity.Current(Service);
}
