using System.Globalization;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Runs;
using Orchestrator.Workflows.Annotate;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Annotate;

/// <summary>
/// The annotate stage: labels a dataset version (simulated annotators, or a CSV/JSON Lines file), takes the
/// Dawid-Skene consensus, stores annotations and consensus content-addressed and records AnnotationsImported once.
/// </summary>
/// <param name="store">Where labels are stored.</param>
/// <param name="audit">Records the stage's audit event.</param>
/// <param name="roots">The local directories label files may be read from (null: none).</param>
public sealed class AnnotateActivities(BlobArtifactStore store, StageAudit audit, LocalDataRoots? roots = null) : IAnnotateActivities
{
    /// <summary>Consensus support below this flags an item for disagreement (QC counts the same flags).</summary>
    public const double MinimumSupport = 0.6;

    /// <summary>The largest label file read (a label per item and annotator fits many millions of rows).</summary>
    public const long MaxLabelFileBytes = 256L * 1024 * 1024;

    public async Task<LabelSet> AnnotateAsync(IAnnotateActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = ActivityExecutionContext.Current.CancellationToken;
        var manifest = ManifestJson.Parse(await store.GetAsync(input.Dataset.ManifestDigest, cancellationToken).ConfigureAwait(false));
        if (manifest.Task == TaskKind.MultiLabel)
        {
            return await AnnotateSetsAsync(input, manifest, cancellationToken).ConfigureAwait(false);
        }

        var records = input.Source.Kind switch
        {
            "simulated" => Simulate(manifest, input.Source, input.Round),
            "csv" or "jsonl" => await ImportAsync(manifest, input.Source, cancellationToken).ConfigureAwait(false),
            _ => throw InvalidInput($"Unknown annotation source kind '{input.Source.Kind}': use \"simulated\", \"csv\" or \"jsonl\"."),
        };

        if (records.Count == 0)
        {
            throw InvalidInput($"The {input.Source.Kind} annotation source produced no labels.");
        }

        ActivityExecutionContext.Current.Heartbeat("labelled");
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

    /// <summary>
    /// A multi-label dataset: every annotator gives each item a label set, the consensus is the per-label majority
    /// (<see cref="MultiLabelAnnotations.Consensus"/>), and both are stored as label-set JSON Lines.
    /// </summary>
    private async Task<LabelSet> AnnotateSetsAsync(IAnnotateActivities.Input input, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        var ratings = input.Source.Kind switch
        {
            "simulated" => SimulateSets(manifest, input.Source, input.Round),
            "csv" or "jsonl" => await ImportSetsAsync(manifest, input.Source, cancellationToken).ConfigureAwait(false),
            _ => throw InvalidInput($"Unknown annotation source kind '{input.Source.Kind}': use \"simulated\", \"csv\" or \"jsonl\"."),
        };
        if (ratings.Count == 0)
        {
            throw InvalidInput($"The {input.Source.Kind} annotation source produced no label sets.");
        }

        ActivityExecutionContext.Current.Heartbeat("labelled");
        var consensus = MultiLabelAnnotations.Consensus(ratings, manifest.Classes, MinimumSupport);
        var annotations = await store.PutAsync(LabelJsonLines.WriteRatings(ratings), LabelJsonLines.MediaType, cancellationToken).ConfigureAwait(false);
        var labels = await store.PutAsync(LabelJsonLines.WriteConsensusSets(consensus.Labels), LabelJsonLines.MediaType, cancellationToken).ConfigureAwait(false);
        var annotators = ratings.Select(r => r.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        await audit.RecordAsync(input.RunId, new AnnotationsImported(annotators, labels.Digest, ratings.Count),
            "annotations-imported-" + input.Round.ToString(CultureInfo.InvariantCulture),
            [StageAudit.Evidence("label-set", labels.Digest, labels.Uri), StageAudit.Evidence("annotations", annotations.Digest, annotations.Uri)])
            .ConfigureAwait(false);
        return new LabelSet(labels.Digest, labels.Uri, annotators, ratings.Count, consensus.Flagged.Count, annotations.Digest);
    }

    /// <summary>A label-set annotation file (<see cref="MultiLabelAnnotationFile"/>) under a local data root; any bad row rejects the whole file.</summary>
    private async Task<IReadOnlyList<Ml.Quality.MultiLabelRating>> ImportSetsAsync(DatasetManifest manifest, AnnotationSource source, CancellationToken cancellationToken)
    {
        using var reader = new StringReader(await ReadLabelFileAsync(source, cancellationToken).ConfigureAwait(false));
        var known = manifest.Items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        var result = source.Kind == "csv"
            ? MultiLabelAnnotationFile.ReadCsv(reader, known, manifest.Classes)
            : MultiLabelAnnotationFile.ReadJsonLines(reader, known, manifest.Classes);
        if (!result.Succeeded)
        {
            var shown = string.Join("; ", result.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}"));
            throw InvalidInput($"The label-set file has {result.Errors.Count} bad row(s), so nothing was imported: {shown}");
        }

        return result.Ratings;
    }

    private static IReadOnlyList<Ml.Quality.MultiLabelRating> SimulateSets(DatasetManifest manifest, AnnotationSource source, int round)
    {
        try
        {
            var simulation = SimulationParameters.Parse(source.Parameters);
            var items = manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).Select(i => (i.ItemId, i.Labels ?? Array.Empty<string>())).ToList();
            return MultiLabelAnnotations.Simulate(items, manifest.Classes, simulation.Annotators, simulation.AnnotatorsPerItem, simulation.Seed + round);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw InvalidInput($"Invalid annotation parameters: {e.Message}", e);
        }
    }

    private static IReadOnlyList<AnnotationRecord> Simulate(DatasetManifest manifest, AnnotationSource source, int round)
    {
        try
        {
            var simulation = SimulationParameters.Parse(source.Parameters);
            var items = manifest.Items.OrderBy(i => i.ItemId, StringComparer.Ordinal).Select(i => (i.ItemId, i.Label)).ToList();

            // Each round is a fresh set of labels, so a re-annotation can change the outcome.
            return AnnotatorSimulator.Simulate(items, manifest.Classes, simulation.Annotators, simulation.AnnotatorsPerItem, simulation.Seed + round);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw InvalidInput($"Invalid annotation parameters: {e.Message}", e);
        }
    }

    /// <summary>
    /// Imports a label file under a local data root; any bad row rejects the whole file. Failure reasons name lines
    /// and what is wrong, never the file's content: they are recorded for good in the ledger.
    /// </summary>
    private async Task<IReadOnlyList<AnnotationRecord>> ImportAsync(DatasetManifest manifest, AnnotationSource source, CancellationToken cancellationToken)
    {
        var text = await ReadLabelFileAsync(source, cancellationToken).ConfigureAwait(false);
        var known = manifest.Items.Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        using var reader = new StringReader(text);
        var result = source.Kind == "csv"
            ? LabelImporter.ImportCsv(reader, known, manifest.Classes)
            : LabelImporter.ImportJsonLines(reader, known, manifest.Classes);
        if (!result.Succeeded)
        {
            var shown = string.Join("; ", result.Errors.Take(5).Select(e => $"line {e.Line}: {e.Message}"));
            throw InvalidInput($"The label file has {result.Errors.Count} bad row(s), so nothing was imported: {shown}");
        }

        return result.Records;
    }

    /// <summary>The text of the source's label file, which must lie under a local data root and not exceed <see cref="MaxLabelFileBytes"/>.</summary>
    private async Task<string> ReadLabelFileAsync(AnnotationSource source, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            // The root check comes first, so whether a path outside the roots exists is never told.
            path = (roots ?? LocalDataRoots.None).Resolve(source.Location ?? "");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentException)
        {
            throw InvalidInput($"The {source.Kind} label source cannot be read: {e.Message}", e);
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw InvalidInput($"The {source.Kind} label source needs Location to be an existing file; '{source.Location}' is not one.");
        }

        if (file.Length > MaxLabelFileBytes)
        {
            throw InvalidInput($"The label file has {file.Length} bytes, more than the {MaxLabelFileBytes} accepted.");
        }

        return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private static ApplicationFailureException InvalidInput(string message, Exception? inner = null) =>
        new(message, inner, "InvalidInput", nonRetryable: true);
}
