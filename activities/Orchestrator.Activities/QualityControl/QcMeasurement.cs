using System.Globalization;
using Orchestrator.Activities.Annotate;
using Orchestrator.Contracts;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Quality;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Activities.QualityControl;

/// <summary>What the QC stage measured: the gate's evidence plus the counts the audit event reports.</summary>
public sealed record QcMeasurement(QcEvidence Evidence, int AuditFailures, int Duplicates)
{
    /// <summary>Items the gold-set spot audit samples.</summary>
    public const int GoldAuditSampleSize = 50;

    /// <summary>
    /// The gold-audit sample of a label set: seeded by the label set's digest, so the sample a reviewer is shown
    /// (GoldAuditRequested) and the one QC evaluates are the same items.
    /// </summary>
    public static IReadOnlyList<string> AuditSample(DatasetManifest manifest, IReadOnlyDictionary<string, string> consensus, string labelSetDigest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(consensus);
        var items = manifest.Items.Where(i => consensus.ContainsKey(i.ItemId)).Select(i => (i.ItemId, consensus[i.ItemId])).ToList();
        var seed = long.Parse(Digest.Parse(labelSetDigest).Hex.AsSpan(0, 15), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return GoldAudit.Sample(items, GoldAuditSampleSize, seed);
    }

    /// <summary>
    /// Measures a dataset version and its labels. The gold-set reviewer is a person when <paramref name="human"/> is given
    /// (their submitted labels); otherwise, unless <paramref name="humanRequired"/>, the source's own labels (the generator's
    /// ground truth for synthetic data), recorded as a simulated audit. A required human audit that was not submitted
    /// leaves the audit unmeasured: the source's labels never stand in for it.
    /// </summary>
    public static QcMeasurement Of(DatasetManifest manifest, IReadOnlyDictionary<string, string> consensus,
        IReadOnlyList<AnnotationRecord> annotations, int corruptCount, string labelSetDigest, GoldAuditSubmission? human = null, bool humanRequired = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(labelSetDigest);
        var labelled = Consensus.Of(annotations, manifest.Classes);
        var set = labelled.Set;
        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);
        var checks = DatasetChecks.Run(manifest, splits, consensus);

        var sample = AuditSample(manifest, consensus, labelSetDigest);
        var reviewer = human is not null ? human.Labels.ToDictionary(l => l.ItemId, l => l.Label, StringComparer.Ordinal)
            : humanRequired ? new Dictionary<string, string>(StringComparer.Ordinal)
            : manifest.Items.ToDictionary(i => i.ItemId, i => i.Label, StringComparer.Ordinal);
        var audit = GoldAudit.Evaluate(sample, consensus, reviewer);
        var auditEvidence = audit.Reviewed == 0 ? null : human is null
            ? new GoldAuditEvidence(audit.Reviewed, audit.PassRate, audit.Lower, audit.Upper)
            : new GoldAuditEvidence(audit.Reviewed, audit.PassRate, audit.Lower, audit.Upper, GoldAuditKinds.Human, human.Reviewer,
                $"{human.Entry.StreamId}@{human.Entry.Version}");

        var evidence = new QcEvidence(
            manifest.Items.Count,
            corruptCount,
            FleissKappa.FromAnnotations(set)?.Overall.Kappa,
            KrippendorffAlpha.Nominal(set),
            PerClassAgreement.Compute(set),
            manifest.Items.Count == 0 ? 0 : labelled.Flags.Count / (double)manifest.Items.Count,
            auditEvidence,
            checks.ClassCounts,
            checks.ImbalanceRatio,
            checks.ExactDuplicateFraction,
            checks.NearDuplicateFraction,
            checks.LeakingItems,
            checks.Slices.ToDictionary(s => $"{s.Attribute}={s.Value}", s => s.Count, StringComparer.Ordinal),
            labelled.Iterations,
            labelled.Converged);
        var duplicates = checks.ExactDuplicates.Sum(g => g.Redundant) + checks.NearDuplicates.Sum(g => g.Redundant);
        return new QcMeasurement(evidence, audit.Mismatched.Count, duplicates);
    }

    /// <summary>
    /// Measures a multi-label dataset version and its label sets (ADR 0042): agreement per label (Krippendorff's alpha of each label rated
    /// present/absent, and their mean as the overall alpha), disagreement flags from the per-label majority, items carrying each label as the
    /// class counts. The gold audit compares whole label sets: a sampled item passes when the reviewer's set is the consensus set (the source's
    /// own sets review a simulated audit; a person's audit of label sets is not supported yet: GoldAuditActivities refuses to request one). Data checks
    /// are the single-label ones.
    /// </summary>
    public static QcMeasurement OfMultiLabel(DatasetManifest manifest, IReadOnlyDictionary<string, IReadOnlyList<string>> consensus,
        IReadOnlyList<MultiLabelRating> ratings, int corruptCount, string labelSetDigest, GoldAuditSubmission? human = null, bool humanRequired = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(consensus);
        ArgumentNullException.ThrowIfNull(labelSetDigest);
        var agreement = MultiLabelAgreement.Compute(ratings, manifest.Classes);
        var flagged = MultiLabelAnnotations.Consensus(ratings, manifest.Classes, AnnotateActivities.MinimumSupport).Flagged;
        var sets = consensus.ToDictionary(c => c.Key, c => string.Join('|', c.Value.Order(StringComparer.Ordinal)), StringComparer.Ordinal);
        var splits = DatasetSplitter.Assign(manifest, SplitFractions.Default);
        var checks = DatasetChecks.Run(manifest, splits, sets);
        var counts = ClassBalance.Count(manifest.Items.SelectMany(i => consensus.TryGetValue(i.ItemId, out var set) ? set : []), manifest.Classes);

        var sample = AuditSample(manifest, sets, labelSetDigest);
        var reviewer = human is not null ? human.Labels.ToDictionary(l => l.ItemId, l => l.Label, StringComparer.Ordinal)
            : humanRequired ? new Dictionary<string, string>(StringComparer.Ordinal)
            : manifest.Items.ToDictionary(i => i.ItemId, i => string.Join('|', (i.Labels ?? []).Order(StringComparer.Ordinal)), StringComparer.Ordinal);
        var audit = GoldAudit.Evaluate(sample, sets, reviewer);
        var auditEvidence = audit.Reviewed == 0 ? null : human is null
            ? new GoldAuditEvidence(audit.Reviewed, audit.PassRate, audit.Lower, audit.Upper)
            : new GoldAuditEvidence(audit.Reviewed, audit.PassRate, audit.Lower, audit.Upper, GoldAuditKinds.Human, human.Reviewer,
                $"{human.Entry.StreamId}@{human.Entry.Version}");

        var evidence = new QcEvidence(
            manifest.Items.Count,
            corruptCount,
            null,
            agreement.MeanAlpha,
            new Dictionary<string, double>(StringComparer.Ordinal),
            manifest.Items.Count == 0 ? 0 : flagged.Count / (double)manifest.Items.Count,
            auditEvidence,
            counts,
            ClassBalance.ImbalanceRatio(counts),
            checks.ExactDuplicateFraction,
            checks.NearDuplicateFraction,
            checks.LeakingItems,
            checks.Slices.ToDictionary(s => $"{s.Attribute}={s.Value}", s => s.Count, StringComparer.Ordinal),
            MultiLabel: true,
            LabelAlpha: agreement.PerLabel.Where(l => !double.IsNaN(l.Alpha)).ToDictionary(l => l.Label, l => l.Alpha, StringComparer.Ordinal));
        var duplicates = checks.ExactDuplicates.Sum(g => g.Redundant) + checks.NearDuplicates.Sum(g => g.Redundant);
        return new QcMeasurement(evidence, audit.Mismatched.Count, duplicates);
    }
}
