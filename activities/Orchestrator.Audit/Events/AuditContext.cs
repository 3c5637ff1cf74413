using Orchestrator.Contracts;

namespace Orchestrator.Audit.Events;

/// <summary>
/// The envelope every ledger entry carries besides its event: who acted, for which workflow run, because
/// of what, and the digests of the evidence the event refers to. Kept apart so events stay small.
/// </summary>
/// <param name="Actor">The verified identity that caused the event.</param>
/// <param name="Correlation">The workflow execution the event belongs to.</param>
/// <param name="CausationId">What caused it (an activity id, request id or the reference of an earlier entry); null when nothing did.</param>
/// <param name="Evidence">Digests of the artifacts the event refers to; empty when none.</param>
public sealed record AuditContext(Actor Actor, Correlation Correlation, string? CausationId, IReadOnlyList<EvidenceDigest> Evidence);

/// <summary>Whether an actor is a person authenticated by the API or a service process.</summary>
public enum ActorKind
{
    /// <summary>A person whose identity and roles the API verified (JWT).</summary>
    User,

    /// <summary>A service or worker process acting on its own authority.</summary>
    Service,
}

/// <summary>Who acted. Temporal's own identity field is never used here: users come from the API's verified token.</summary>
/// <param name="Kind">User or service.</param>
/// <param name="Id">The user's subject, or the service name.</param>
/// <param name="Roles">The user's verified roles; empty for services.</param>
/// <param name="Worker">The worker identity (host/process) for services; null for users.</param>
public sealed record Actor(ActorKind Kind, string Id, IReadOnlyList<string> Roles, string? Worker)
{
    /// <summary>A person the API authenticated, with the roles its token carried.</summary>
    public static Actor User(string subject, params IReadOnlyList<string> roles) => new(ActorKind.User, subject, roles, null);

    /// <summary>A service (for example the worker running an activity) and its worker identity.</summary>
    public static Actor Service(string name, string worker) => new(ActorKind.Service, name, [], worker);
}

/// <summary>The Temporal workflow execution an event belongs to.</summary>
/// <param name="WorkflowId">The workflow id (stable across retries and continue-as-new).</param>
/// <param name="RunId">The pipeline run id.</param>
public sealed record Correlation(string WorkflowId, string RunId);

/// <summary>The SHA-256 of one piece of evidence (dataset manifest, report, checkpoint, ONNX file).</summary>
/// <param name="Name">What the evidence is, for example "dataset-manifest".</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the artifact's bytes.</param>
/// <param name="Uri">Where the artifact is stored; null when it is not stored.</param>
public sealed record EvidenceDigest(string Name, string Sha256, string? Uri)
{
    /// <summary>The evidence entry of <paramref name="digest"/> (the ledger keeps the bare hex).</summary>
    public static EvidenceDigest Of(string name, Digest digest, string? uri) => new(name, digest.Hex, uri);
}
