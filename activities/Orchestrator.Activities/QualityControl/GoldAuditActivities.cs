using Orchestrator.Activities.Annotate;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.QualityControl;

/// <summary>
/// The human gold audit's ledger side (ADR 0039): records the sample a reviewer must label (the same sample QC
/// evaluates), reads a submission back from the ledger, and records refusals.
/// </summary>
public sealed class GoldAuditActivities(BlobArtifactStore store, StageAudit audit) : IGoldAuditActivities
{
    public async Task<GoldAuditRequest> RequestAsync(IGoldAuditActivities.RequestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        if (input.Labels.AnnotationsDigest is not { } annotationsDigest)
        {
            throw new ApplicationFailureException("The label set carries no annotations digest, so its annotators are unknown.", "InvalidInput", nonRetryable: true);
        }

        var manifest = ManifestJson.Parse(await store.GetAsync(input.Dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        if (manifest.Task == Contracts.TaskKind.MultiLabel)
        {
            throw new ApplicationFailureException("A human gold audit of a multi-label dataset (reviewers labelling whole label sets) is not supported yet; use \"simulated-allowed\".",
                "InvalidInput", nonRetryable: true);
        }

        var consensus = LabelJsonLines.ReadConsensus(await store.GetAsync(input.Labels.LabelSetDigest, cancellationToken).ConfigureAwait(false));
        var annotations = LabelJsonLines.ReadAnnotations(await store.GetAsync(annotationsDigest, cancellationToken).ConfigureAwait(false));
        var sample = QcMeasurement.AuditSample(manifest, consensus, input.Labels.LabelSetDigest);
        var images = manifest.Items.ToDictionary(i => i.ItemId, i => i.ContentDigest, StringComparer.Ordinal);
        var annotators = annotations.Select(a => a.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        await audit.RecordAsync(input.RunId,
            new GoldAuditRequested(input.Labels.LabelSetDigest, [.. sample.Select(id => new GoldAuditItem(id, images[id]))], manifest.Classes, annotators, input.Deadline),
            "gold-audit-requested",
            [StageAudit.Evidence("label-set", input.Labels.LabelSetDigest, input.Labels.LabelSetUri)]).ConfigureAwait(false);
        return new GoldAuditRequest(input.Labels.LabelSetDigest, sample, manifest.Classes, annotators, input.Deadline);
    }

    public async Task<GoldAuditSubmission> ConfirmAsync(IGoldAuditActivities.ConfirmInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var reference = input.Entry;
        if (reference.StreamId != AuditStreams.Run(input.RunId))
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is not in run {input.RunId}'s stream");
        }

        var check = await audit.Ledger.ConfirmAsync(new LedgerReference(reference.StreamId, reference.Version, reference.EventHash),
            ActivityExecutionContext.Current.CancellationToken).ConfigureAwait(false);
        if (check is not { IsConfirmed: true, Entry: { } entry })
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} with hash {reference.EventHash} is {check.Status.ToString().ToLowerInvariant()}");
        }

        if (entry.Data is not GoldAuditSubmitted submitted)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} is a {entry.EventType}, not a GoldAuditSubmitted");
        }

        if (entry.Context.Actor.Kind != ActorKind.User || entry.Context.Actor.Id != submitted.Reviewer)
        {
            throw Refuse($"entry {reference.StreamId}@{reference.Version} was not written by the reviewer it names");
        }

        return new GoldAuditSubmission(reference, submitted.Reviewer, submitted.LabelSetDigest, [.. submitted.Labels.Select(l => new GoldAuditLabel(l.ItemId, l.Label))]);
    }

    public async Task RecordRefusedAsync(IGoldAuditActivities.RefusedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var entry = input.Entry;
        await audit.RecordAsync(input.RunId,
            new GoldAuditRefused(input.Reviewer, input.Rule, input.Reason, new LedgerReference(entry.StreamId, entry.Version, entry.EventHash)),
            $"gold-audit-refused/{entry.Version}").ConfigureAwait(false);
    }

    private static ApplicationFailureException Refuse(string message) => new(message, "GoldAuditUnconfirmed", nonRetryable: true);
}
