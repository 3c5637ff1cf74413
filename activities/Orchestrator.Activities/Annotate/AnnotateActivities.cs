using System.Globalization;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;
using Orchestrator.Workflows.Annotate;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Annotate;

/// <summary>
/// The annotate stage: labels every item of a dataset version (simulated annotators for now), takes the
/// Dawid-Skene consensus, stores annotations and consensus content-addressed and records AnnotationsImported once.
/// </summary>
public sealed class AnnotateActivities(BlobArtifactStore store, StageAudit audit)
{
    /// <summary>Consensus support below this flags an item for disagreement (QC counts the same flags).</summary>
    public const double MinimumSupport = 0.6;

    [Activity(AnnotateActivity.Name)]
    public async Task<LabelSet> AnnotateAsync(AnnotateActivity.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        if (input.Source.Kind != "simulated")
        {
            throw InvalidInput($"Unknown annotation source kind '{input.Source.Kind}': this worker annotates with \"simulated\" annotators.");
        }

        var manifest = ManifestJson.Parse(await store.GetAsync(input.Dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        IReadOnlyList<AnnotationRecord> records;
        try
        {
            var simulation = SimulationParameters.Parse(input.Source.Parameters);
            var items = manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).Select(i => (i.ItemId, i.Label)).ToList();

            // Each round is a fresh set of labels, so a re-annotation can change the outcome.
            records = AnnotatorSimulator.Simulate(items, manifest.Classes, simulation.Annotators, simulation.AnnotatorsPerItem, simulation.Seed + input.Round);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw InvalidInput($"Invalid annotation parameters: {e.Message}", e);
        }

        ActivityExecutionContext.Current.Heartbeat("simulated");
        var consensus = Consensus.Of(records, manifest.Classes);
        var annotations = await store.PutAsync(LabelJsonLines.WriteAnnotations(records), LabelJsonLines.MediaType, cancellationToken).ConfigureAwait(false);
        var labels = await store.PutAsync(LabelJsonLines.WriteConsensus(consensus.Labels.Select(l => (l.ItemId, l.Label))), LabelJsonLines.MediaType, cancellationToken)
            .ConfigureAwait(false);
        var annotators = records.Select(r => r.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        await audit.RecordAsync(input.RunId, new AnnotationsImported(annotators, labels.Digest, records.Count),
            "annotations-imported-" + input.Round.ToString(CultureInfo.InvariantCulture),
            [StageAudit.Evidence("label-set", labels.Digest, labels.Uri), StageAudit.Evidence("annotations", annotations.Digest, annotations.Uri)])
            .ConfigureAwait(false);
        return new LabelSet(labels.Digest, labels.Uri, annotators, records.Count, consensus.Flags.Count, annotations.Digest);
    }

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) =>
        new(message, inner, "InvalidInput", nonRetryable: true);
}
