using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Api.Runs;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Api.Console.Runs;

/// <summary>
/// Reads a run for its page: the run summary (the same read model GET /api/runs/{id} answers from), its stream's entries,
/// the model stream's evaluation of its version, the stored evidence (hash-checked on read) and the pinned policy; the
/// gates are recomputed with the pure gate functions, and the viewer's eligibility with the approval rules the workflow applies.
/// </summary>
public sealed class RunPageLoader(
    AuditReadModels readModels, IAuditLedger ledger, BlobArtifactStore store, EvidenceReader evidenceReader, PolicyCatalog catalog, ApprovalStanding standing)
{
    private const int Page = 500;

    private static readonly JsonSerializerOptions QcJson = new(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public async Task<RunPageView?> LoadAsync(string runId, string viewer, IReadOnlyList<string> viewerRoles, CancellationToken cancellationToken)
    {
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } run)
        {
            return null;
        }

        var entries = await ReadAllAsync(AuditStreams.Run(runId), cancellationToken);
        var evaluated = run.ModelName is null ? null : (await ReadAllAsync(AuditStreams.Model(run.ModelName), cancellationToken))
            .LastOrDefault(e => e.Data is ModelEvaluated && e.Context.Correlation.RunId == runId);
        var gates = new List<GateView>();
        if (entries.LastOrDefault(e => e.Data is QualityEvaluated) is { } qc)
        {
            gates.Add(await QualityGateAsync(qc, cancellationToken));
        }

        StoredEvidence? evidence = null;
        if (evaluated is not null)
        {
            evidence = await EvidenceAsync(evaluated, cancellationToken);
            gates.Add(EvaluationGateView(evaluated, evidence));
        }

        var downloads = entries.Concat(evaluated is null ? [] : [evaluated])
            .SelectMany(e => e.Context.Evidence.Where(d => d.Uri is not null).Select(d => new Download(d.Name, "sha256:" + d.Sha256, e.EventType)))
            .DistinctBy(d => (d.Name, d.Digest)).ToList();
        var approval = run.Stage == "awaiting-approval" && run.ApprovalEvidenceDigest is not null
            ? standing.Of(run, entries.LastOrDefault(e => e.Data is ApprovalRequested)?.Data as ApprovalRequested, viewer, viewerRoles)
            : null;
        return new RunPageView(run, [.. entries.Select(Timeline.From)], gates, evidence, approval, downloads);
    }

    private async Task<List<LedgerEntry>> ReadAllAsync(string stream, CancellationToken cancellationToken)
    {
        var all = new List<LedgerEntry>();
        while (true)
        {
            var page = await ledger.ReadStreamAsync(stream, all.Count + 1, Page, cancellationToken);
            all.AddRange(page);
            if (page.Count < Page)
            {
                return all;
            }
        }
    }

    private async Task<GateView> QualityGateAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        var recorded = (QualityEvaluated)entry.Data;
        var verdict = recorded.Verdict == GateVerdict.Passed ? "passed" : "failed";
        try
        {
            var policy = Policy(entry);
            var stored = Evidence(entry, "qc-evidence") ?? throw new InvalidDataException("the entry names no qc-evidence");
            var measured = QcMeasured(await store.GetAsync(stored, cancellationToken));
            var terms = catalog.Section<QcPolicy>(policy.Digest, "quality") ?? new QcPolicy();
            return GateView.Quality(QualityGate.Evaluate(measured, terms, PolicyCatalog.Terms(policy).Waivers), recorded.PolicyVersion, verdict);
        }
        catch (Exception e) when (e is ArtifactNotFoundException or ArtifactIntegrityException or JsonException or InvalidDataException or KeyNotFoundException)
        {
            return GateView.Unreadable("Quality-control gate", recorded.PolicyVersion, verdict, e.Message);
        }
    }

    private GateView EvaluationGateView(LedgerEntry entry, StoredEvidence evidence)
    {
        var recorded = (ModelEvaluated)entry.Data;
        var verdict = recorded.Verdict == GateVerdict.Passed ? "passed" : "failed";
        if (evidence.Report is not { } report)
        {
            return GateView.Unreadable("Evaluation gate", recorded.PolicyVersion, verdict, evidence.Problem ?? "the evidence report could not be read");
        }

        try
        {
            var policy = Policy(entry);
            var terms = catalog.Section<EvaluationPolicy>(policy.Digest, "evaluation") ?? new EvaluationPolicy();
            return GateView.Evaluation(EvaluationGate.Evaluate(report.GateInput, terms, PolicyCatalog.Terms(policy).Waivers), recorded.PolicyVersion, verdict);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidDataException or JsonException)
        {
            return GateView.Unreadable("Evaluation gate", recorded.PolicyVersion, verdict, e.Message);
        }
    }

    private async Task<StoredEvidence> EvidenceAsync(LedgerEntry evaluated, CancellationToken cancellationToken) =>
        Evidence(evaluated, "evaluation-evidence") is { } index
            ? await evidenceReader.ReadAsync(index, ((ModelEvaluated)evaluated.Data).Champion?.ChampionVersion, cancellationToken)
            : new StoredEvidence("", new Dictionary<string, EvidenceFile>(), null, "The evaluation names no evidence index.");

    /// <summary>
    /// The measured QC evidence of a stored document: v2 (qc-evidence.v2+json) holds it under "evidence" beside the
    /// stage's own checks; v1 documents were the evidence itself.
    /// </summary>
    private static QcEvidence QcMeasured(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var evidence = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("evidence", out var nested) ? nested : root;
        return evidence.Deserialize<QcEvidence>(QcJson) ?? throw new InvalidDataException("empty QC evidence");
    }

    private PolicyDocument Policy(LedgerEntry entry) =>
        entry.Context.Evidence.FirstOrDefault(d => d.Name.StartsWith("policy:", StringComparison.Ordinal)) is { } named
            ? catalog.ByDigest("sha256:" + named.Sha256)
            : throw new InvalidDataException("the entry names no pinned policy");

    private static string? Evidence(LedgerEntry entry, string name) =>
        entry.Context.Evidence.FirstOrDefault(d => d.Name == name) is { } found ? "sha256:" + found.Sha256 : null;
}
