using System.Globalization;
using Orchestrator.Activities.Common;
using Orchestrator.Activities.Ledger;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;
using Temporalio.Exceptions;
using Contract = Orchestrator.Workflows.Deploy.ICanaryDecisionActivities;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// A held canary's human decision (ADR 0040): the request on the run's stream, the confirmation of a signed decision (read
/// back from the ledger, never taken from the update), and the resolution on the model's stream, decided by <see cref="ModelDecider"/>.
/// </summary>
public sealed class CanaryDecisionActivities(ModelOperations models, StageAudit audit, TimeProvider time) : ICanaryDecisionActivities
{
    public async Task<Contract.RequestRecord> RequestDecisionAsync(Contract.RequestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (canary, production) = (input.Held.CanaryRequests ?? 0, input.Held.ProductionRequests ?? 0);
        var evidence = Evidence(input.Version, canary, production, input.Held.Reason);
        var digest = RunLedgerActivities.EvidenceDigest(evidence);
        var entry = await audit.RecordAsync(input.RunId,
            new CanaryDecisionRequested(input.Version.ModelName, input.Version.Version, digest, canary, production, input.Held.Reason, input.Deadline),
            "canary-decision-requested", [StageAudit.Evidence("onnx-model", input.Version.OnnxDigest, null)]).ConfigureAwait(false);
        return new Contract.RequestRecord(digest, new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash));
    }

    public async Task<SignedCanaryDecision> ConfirmDecisionAsync(Contract.ConfirmInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Entry;
        if (reference.StreamId != AuditStreams.Run(input.RunId))
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is not in run {input.RunId}'s stream");
        }

        var check = await audit.Ledger.ConfirmAsync(new LedgerReference(reference.StreamId, reference.Version, reference.EventHash), ActivityExecutionContext.Current.CancellationToken)
            .ConfigureAwait(false);
        if (check is not { IsConfirmed: true, Entry: { } entry })
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} with hash {reference.EventHash} is {check.Status.ToString().ToLowerInvariant()}");
        }

        if (entry.Data is not CanaryDecisionSigned signed || CanaryDecisionRules.Parse(signed.Decision) is not { } decision)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is a {entry.EventType}, not a CanaryDecisionSigned");
        }

        if (entry.Context.Actor.Kind != ActorKind.User || entry.Context.Actor.Id != signed.Approver)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} was not written by the approver it names");
        }

        return new SignedCanaryDecision(reference, signed.Approver, signed.Roles, decision, signed.Reason, signed.EvidenceDigest, entry.RecordedAt);
    }

    public async Task<DeploymentOutcome> ResolveAsync(Contract.ResolveInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var token = ActivityExecutionContext.Current.CancellationToken;
        var signature = input.Signature is { } s ? new LedgerReference(s.StreamId, s.Version, s.EventHash) : null;
        var command = new ResolveHeldCanary(input.RunId, input.Version.Version, input.Decision, input.Reason, input.DecidedBy, signature,
            input.CanaryRequests ?? 0, input.ProductionRequests ?? 0);
        var state = await models.LoadAsync(input.Version.ModelName, token).ConfigureAwait(false);
        var decision = ModelDecider.Decide(state, command, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
        {
            throw new ApplicationFailureException(refusal.Message, "NotFound", nonRetryable: true);
        }

        var causation = signature is { } cause ? $"ledger:{cause.StreamId}@{cause.Version}#{cause.Hash}" : null;
        return (await models.RecordAsync(state, decision, audit.Context(input.RunId, causation: causation), token).ConfigureAwait(false)).Outcome;
    }

    /// <summary>What an approver signs: the held version and the counts it was held with, as "name=value" lines (the digest is recomputable from CanaryDecisionRequested).</summary>
    public static IReadOnlyDictionary<string, string> Evidence(ModelVersion version, int canaryRequests, int productionRequests, string reason)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = version.ModelName,
            ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
            ["onnx-model"] = version.OnnxDigest,
            ["canary-requests"] = canaryRequests.ToString(CultureInfo.InvariantCulture),
            ["production-requests"] = productionRequests.ToString(CultureInfo.InvariantCulture),
            ["reason"] = reason.ReplaceLineEndings(" "),
        };
    }

    private static ApplicationFailureException Refuse(string message) => new(message, "IntegrityViolation", nonRetryable: true);
}
