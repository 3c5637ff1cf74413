using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Temporalio.Activities;

namespace Orchestrator.Activities.Common;

/// <summary>
/// How a stage activity writes to the audit ledger: on the run's stream, as the worker service, with the
/// workflow's correlation, and with an idempotency key derived from the Temporal run and activity ids
/// (the same on every retry of the activity), so a retried activity never records a fact twice.
/// </summary>
public sealed class StageAudit(IAuditLedger ledger, WorkerIdentity worker)
{
    /// <summary>The ledger itself, for lookups.</summary>
    public IAuditLedger Ledger => ledger;

    /// <summary>Records <paramref name="fact"/> on run <paramref name="runId"/>'s stream; <paramref name="factName"/> distinguishes several facts of one activity.</summary>
    public Task<LedgerEntry> RecordAsync(string runId, object fact, string factName, IReadOnlyList<EvidenceDigest>? evidence = null, string? causation = null)
        => ledger.AppendAsync(AuditStreams.Run(runId), fact, Context(runId, evidence, causation), Key(factName),
            ActivityExecutionContext.Current.CancellationToken);

    /// <summary>Records <paramref name="fact"/> on model <paramref name="modelName"/>'s stream.</summary>
    public Task<LedgerEntry> RecordModelAsync(string modelName, string runId, object fact, string factName, IReadOnlyList<EvidenceDigest>? evidence = null, string? causation = null) =>
        ledger.AppendAsync(AuditStreams.Model(modelName), fact, Context(runId, evidence, causation), Key(factName),
            ActivityExecutionContext.Current.CancellationToken);

    /// <summary>The envelope for a fact of this activity.</summary>
    public AuditContext Context(string runId, IReadOnlyList<EvidenceDigest>? evidence = null, string? causation = null)
    {
        var info = ActivityExecutionContext.Current.Info;
        return new AuditContext(Actor.Service(worker.Service, worker.Identity), new Correlation(info.WorkflowId ?? "(no workflow)", runId),
            causation ?? $"activity:{info.ActivityType}/{info.ActivityId}", evidence ?? []);
    }

    /// <summary>"{temporal run id}/{activity id}/{fact}": stable across attempts of one activity, distinct across activities.</summary>
    public static string Key(string factName)
    {
        var info = ActivityExecutionContext.Current.Info;
        return $"{info.WorkflowRunId}/{info.ActivityId}/{factName}";
    }

    /// <summary>An evidence digest entry from a digest in either form (text or bare hex).</summary>
    public static EvidenceDigest Evidence(string name, string digest, string? uri) => EvidenceDigest.Of(name, Digest.ParseEither(digest), uri);
}

/// <summary>Who the worker process is, for the audit trail (never taken from Temporal's identity field).</summary>
/// <param name="Service">The service name, e.g. "orchestrator-worker".</param>
/// <param name="Identity">Host and process, e.g. "worker-7@host".</param>
public sealed record WorkerIdentity(string Service, string Identity)
{
    /// <summary>This process: "{pid}@{host}".</summary>
    public static WorkerIdentity Current(string service = "orchestrator-worker") => new(service, $"{Environment.ProcessId}@{Environment.MachineName}");
}
