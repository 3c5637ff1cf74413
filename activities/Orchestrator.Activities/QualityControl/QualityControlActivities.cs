using System.Text.Json;
using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.QualityControl;

/// <summary>
/// The QC stage: measures the stored dataset version and labels, applies the pure <see cref="QualityGate"/>
/// with the pinned policy's "quality" section, stores the evidence and records QualityEvaluated once.
/// </summary>
public sealed class QualityControlActivities(BlobArtifactStore store, StageAudit audit, PolicyCatalog catalog) : IQualityControlActivities
{
    /// <summary>Media type of the stored QC evidence.</summary>
    public const string EvidenceMediaType = "application/vnd.orchestrator.qc-evidence.v2+json";

    public async Task<GateOutcome> EvaluateAsync(IQualityControlActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = ActivityExecutionContext.Current;
        var cancellationToken = context.CancellationToken;
        if (input.Labels.AnnotationsDigest is not { } annotationsDigest)
        {
            throw InvalidInput("The label set carries no annotations digest, so agreement cannot be measured.");
        }

        PolicyDocument policy;
        try
        {
            policy = catalog.ByDigest(input.PolicyDigest);
        }
        catch (KeyNotFoundException e)
        {
            throw InvalidInput($"Unknown policy: {e.Message}", e);
        }

        var qcPolicy = catalog.Section<QcPolicy>(policy.Digest, "quality") ?? new QcPolicy();
        var manifest = ManifestJson.Parse(await store.GetAsync(input.Dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        var labels = await store.GetAsync(input.Labels.LabelSetDigest, cancellationToken).ConfigureAwait(false);
        var annotations = await store.GetAsync(annotationsDigest, cancellationToken).ConfigureAwait(false);
        context.Heartbeat("loaded");

        // A multi-label dataset's labels are sets, and its agreement is measured per label (ADR 0042).
        var measured = manifest.Task == TaskKind.MultiLabel
            ? QcMeasurement.OfMultiLabel(manifest, LabelJsonLines.ReadConsensusSets(labels), LabelJsonLines.ReadRatings(annotations), input.Dataset.CorruptCount,
                input.Labels.LabelSetDigest, input.HumanAudit, qcPolicy.GoldAudit == GoldAuditMode.Human)
            : QcMeasurement.Of(manifest, LabelJsonLines.ReadConsensus(labels), LabelJsonLines.ReadAnnotations(annotations), input.Dataset.CorruptCount,
                input.Labels.LabelSetDigest, input.HumanAudit, qcPolicy.GoldAudit == GoldAuditMode.Human);
        var verdict = QualityGate.Evaluate(measured.Evidence, qcPolicy, PolicyCatalog.Terms(policy).Waivers);
        context.Heartbeat("measured");

        // The evidence document holds what was measured and every check's outcome (waivers with their reasons).
        var document = new QcEvidenceDocument(measured.Evidence, verdict.Passed, verdict.Findings);
        var stored = await store.PutAsync(JsonSerializer.SerializeToUtf8Bytes(document, QcEvidenceJson.Options), EvidenceMediaType, cancellationToken).ConfigureAwait(false);
        var evidence = measured.Evidence;
        await audit.RecordAsync(input.RunId,
            new QualityEvaluated(Agreement(evidence), evidence.GoldAudit?.Reviewed ?? 0, measured.AuditFailures, measured.Duplicates, evidence.LeakingItems,
                verdict.Passed ? GateVerdict.Passed : GateVerdict.Failed, $"{policy.Name}/v{policy.Version}", verdict.Reasons),
            "quality-evaluated",
            [
                StageAudit.Evidence("qc-evidence", stored.Digest, stored.Uri),
                StageAudit.Evidence("dataset-manifest", input.Dataset.ManifestDigest, input.Dataset.ManifestUri),
                StageAudit.Evidence("label-set", input.Labels.LabelSetDigest, input.Labels.LabelSetUri),
                StageAudit.Evidence($"policy:{policy.Name}/v{policy.Version}", policy.Digest, null),
            ]).ConfigureAwait(false);
        return new GateOutcome(verdict.Passed, verdict.Reasons, stored.Digest, stored.Uri);
    }

    /// <summary>The agreement statistics for the audit event; undefined (NaN) ones are left out rather than stored as non-numbers.</summary>
    private static Dictionary<string, double> Agreement(QcEvidence evidence)
    {
        var agreement = new Dictionary<string, double>(StringComparer.Ordinal) { ["krippendorff-alpha"] = evidence.KrippendorffAlpha };
        if (evidence.FleissKappa is { } kappa)
        {
            agreement["fleiss-kappa"] = kappa;
        }

        foreach (var (label, value) in evidence.ClassAgreement)
        {
            agreement[$"class-agreement:{label}"] = value;
        }

        foreach (var (label, value) in evidence.LabelAlpha ?? new Dictionary<string, double>())
        {
            agreement[$"label-alpha:{label}"] = value;
        }

        return agreement.Where(a => double.IsFinite(a.Value)).ToDictionary(StringComparer.Ordinal);
    }

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) =>
        new(message, inner, "InvalidInput", nonRetryable: true);
}

/// <summary>The stored QC evidence (media type v2): the measurements, the gate's decision and every check's outcome.</summary>
/// <param name="Evidence">What was measured (v1 documents held only this).</param>
/// <param name="Passed">The gate's decision.</param>
/// <param name="Checks">Every check with its outcome ("passed", "failed", "not-measured", "waived") and, when waived, the policy's reason.</param>
public sealed record QcEvidenceDocument(QcEvidence Evidence, bool Passed, IReadOnlyList<QcFinding> Checks);
