using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using ApprovalDecision = Orchestrator.Audit.Events.ApprovalDecision;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Serving;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Activities.Tests.Deploy;

/// <summary>Builders for registry and deployment tests: registration inputs, signed approvals, logged traffic.</summary>
internal static class DeployFixture
{
    public static IRegistryActivities.Input Register(string runId, string model, string onnxDigest) => new(
        runId,
        model,
        new DatasetVersion(Contracts.Digest.FromHex(new string('d', 64)).ToString(), "blob://datasets/d", 240, ["circle", "square"], 0),
        new OnnxModel(onnxDigest, "blob://models/" + onnxDigest, 2e-7),
        new Evaluation(new GateOutcome(true, [], Contracts.Digest.FromHex(new string('e', 64)).ToString(), "blob://reports/e"), 0.95, 0.94));

    public static string Digest(char c) => Contracts.Digest.FromHex(new string(c, 64)).ToString();

    /// <summary>Appends an ApprovalSigned as the API does (user actor) and returns the reference the workflow would pass on.</summary>
    public static async Task<LedgerEntryRef> SignAsync(IAuditLedger ledger, string runId, string approver, ApprovalDecision decision = ApprovalDecision.Approve)
    {
        var entry = await ledger.AppendAsync(AuditStreams.Run(runId), new ApprovalSigned(approver, ["approver"], decision, "looks good", "sha256:evidence"),
            new AuditContext(Actor.User(approver, "approver"), new Correlation("run-wf", runId), null, []), $"signed/{approver}", TestContext.Current.CancellationToken);
        return new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash);
    }

    /// <summary>
    /// Appends NoCanaryComparisonAccepted as the API does after <paramref name="approval"/> (written by <paramref name="writer"/>, the
    /// approver unless a test forges it) and returns its reference.
    /// </summary>
    public static async Task<LedgerEntryRef> AcceptNoCanaryComparisonAsync(IAuditLedger ledger, string runId, string approver, string model, LedgerEntryRef approval, string? writer = null)
    {
        var accepted = new NoCanaryComparisonAccepted(approver, ["approver"], model, new LedgerReference(approval.StreamId, approval.Version, approval.EventHash), "sha256:evidence");
        var entry = await ledger.AppendAsync(AuditStreams.Run(runId), accepted,
            new AuditContext(Actor.User(writer ?? approver, "approver"), new Correlation("run-wf", runId), null, []), $"no-canary-comparison/{approver}/{approval.Version}",
            TestContext.Current.CancellationToken);
        return new LedgerEntryRef(entry.StreamId, entry.Version, entry.Hash);
    }

    /// <summary>Logs <paramref name="count"/> predictions of a version, the first <paramref name="errors"/> failed.</summary>
    public static Task LogTrafficAsync(PredictionLog log, string model, int version, int count, int errors = 0, double latencyMs = 5, string label = "circle") =>
        log.AppendAsync([.. Enumerable.Range(0, count).Select(i => new PredictionRecord(
            Guid.NewGuid(), model, version, "production", DateTimeOffset.UtcNow, latencyMs, i >= errors,
            i >= errors ? label : null, i >= errors ? 0.9 : null, i >= errors ? [0.4, 0.5, 0.6] : null, Error: i >= errors ? null : "inference failed"))],
            TestContext.Current.CancellationToken);
}
