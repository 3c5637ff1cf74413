using System.Text;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Contracts;
using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Activities.Tests.QualityControl;

/// <summary>Who reviewed the gold-set spot audit (ADR 0039): a person's submission, nobody (a required audit not submitted), or the source's labels.</summary>
public sealed class QcMeasurementGoldAuditTests
{
    private static readonly string[] Classes = ["circle", "square", "triangle"];
    private static readonly string[] Annotators = ["ann-1", "ann-2", "ann-3"];
    private static readonly string LabelSetDigest = Digest.Of("label-set-under-audit"u8).ToString();
    private static readonly LedgerEntryRef Entry = new("run-audit", 7, new string('a', 64));
    private static readonly QcPolicy HumanPolicy = new(MinGoldAuditLowerBound: 0.5, MinGoldAuditReviewed: 30, GoldAudit: GoldAuditMode.Human, GoldAuditDeadline: TimeSpan.FromDays(1));

    /// <summary>120 items whose source label is also the unanimous consensus of three annotators: a simulated audit passes them all.</summary>
    private static (DatasetManifest Manifest, Dictionary<string, string> Consensus, List<AnnotationRecord> Annotations) Labelled()
    {
        var items = Enumerable.Range(0, 120).Select(i =>
        {
            var id = $"item-{i:000}";
            return new ManifestItem(id, Digest.Of(Encoding.UTF8.GetBytes(id)).ToString(), 100 + i, Classes[i % Classes.Length],
                new Dictionary<string, string> { ["lighting"] = i % 2 == 0 ? "day" : "night" }, $"{(ulong)(i + 1) * 0x9E3779B97F4A7C15UL:x16}");
        }).ToList();
        var manifest = new DatasetManifest("audit", "test", Classes, new DatasetTerms("CC0-1.0", "not-applicable: synthetic", "P1Y"), items);
        var consensus = items.ToDictionary(i => i.ItemId, i => i.Label, StringComparer.Ordinal);
        var annotations = items.SelectMany(i => Annotators.Select(a => new AnnotationRecord(i.ItemId, a, i.Label))).ToList();
        return (manifest, consensus, annotations);
    }

    private static string Other(string label) => Classes[(Array.IndexOf(Classes, label) + 1) % Classes.Length];

    /// <summary>The Wilson score interval written out (Wilson 1927), independent of the code under test.</summary>
    private static (double Lower, double Upper) Wilson(int agreed, int n)
    {
        const double z = 1.959963984540054;
        var p = agreed / (double)n;
        var centre = p + z * z / (2 * n);
        var spread = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        var scale = 1 + z * z / n;
        return ((centre - spread) / scale, (centre + spread) / scale);
    }

    [Fact]
    public void Of_HumanSubmissionDisagreesOnFour_HumanEvidenceWithThePersonsPassRate()
    {
        var (manifest, consensus, annotations) = Labelled();
        var sample = QcMeasurement.AuditSample(manifest, consensus, LabelSetDigest);
        sample.Count.ShouldBe(QcMeasurement.GoldAuditSampleSize);
        // The person disagrees with the consensus on four sampled items; the source's labels agree on all of them.
        var disputed = sample.Take(4).ToHashSet(StringComparer.Ordinal);
        var labels = sample.Select(id => new GoldAuditLabel(id, disputed.Contains(id) ? Other(consensus[id]) : consensus[id])).ToList();
        var submission = new GoldAuditSubmission(Entry, "rita", LabelSetDigest, labels);

        var measured = QcMeasurement.Of(manifest, consensus, annotations, 0, LabelSetDigest, submission, humanRequired: true);

        var audit = measured.Evidence.GoldAudit.ShouldNotBeNull();
        audit.Kind.ShouldBe(GoldAuditKinds.Human);
        audit.Simulated.ShouldBeFalse();
        audit.Reviewer.ShouldBe("rita");
        audit.Submission.ShouldBe("run-audit@7");
        audit.Reviewed.ShouldBe(50);
        audit.PassRate.ShouldBe(46 / 50.0, 1e-15);
        var (lower, upper) = Wilson(46, 50);
        audit.Lower.ShouldBe(lower, 1e-12);
        audit.Upper.ShouldBe(upper, 1e-12);
        measured.AuditFailures.ShouldBe(4);
        var verdict = QualityGate.Evaluate(measured.Evidence, HumanPolicy);
        var reviewer = verdict.Findings.Single(f => f.Check == "gold-audit-reviewer");
        reviewer.Outcome.ShouldBe(CheckOutcome.Passed);
        reviewer.Detail.ShouldContain("rita");
        verdict.Findings.Single(f => f.Check == "gold-audit").Outcome.ShouldBe(CheckOutcome.Passed);
    }

    [Fact]
    public void Of_HumanSubmissionCoversPartOfTheSample_OnlyReviewedItemsCount()
    {
        var (manifest, consensus, annotations) = Labelled();
        var sample = QcMeasurement.AuditSample(manifest, consensus, LabelSetDigest);
        // 20 of the sample, one of them disputed, plus a label for an item outside the sample (not counted).
        var outside = manifest.Items.Select(i => i.ItemId).First(id => !sample.Contains(id));
        var labels = sample.Take(20).Select((id, k) => new GoldAuditLabel(id, k == 0 ? Other(consensus[id]) : consensus[id]))
            .Append(new GoldAuditLabel(outside, Other(consensus[outside]))).ToList();

        var measured = QcMeasurement.Of(manifest, consensus, annotations, 0, LabelSetDigest, new GoldAuditSubmission(Entry, "rita", LabelSetDigest, labels));

        var audit = measured.Evidence.GoldAudit.ShouldNotBeNull();
        audit.Reviewed.ShouldBe(20);
        audit.PassRate.ShouldBe(19 / 20.0, 1e-15);
        measured.AuditFailures.ShouldBe(1);
        // 20 reviewed items are below the policy's 30: the size check fails on the person's audit.
        QualityGate.Evaluate(measured.Evidence, HumanPolicy).Findings.Single(f => f.Check == "gold-audit-size").Outcome.ShouldBe(CheckOutcome.Failed);
    }

    [Fact]
    public void Of_HumanRequiredNoSubmission_NoAuditEvidenceAndGateNotMeasured()
    {
        var (manifest, consensus, annotations) = Labelled();

        var measured = QcMeasurement.Of(manifest, consensus, annotations, 0, LabelSetDigest, human: null, humanRequired: true);

        // The source's labels agree with every consensus label, so had they stood in the audit would pass at 100%.
        measured.Evidence.GoldAudit.ShouldBeNull();
        measured.AuditFailures.ShouldBe(0);
        var verdict = QualityGate.Evaluate(measured.Evidence, HumanPolicy);
        verdict.Passed.ShouldBeFalse();
        verdict.Findings.Single(f => f.Check == "gold-audit-reviewer").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Findings.Single(f => f.Check == "gold-audit").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        verdict.Findings.ShouldNotContain(f => f.Check == "gold-audit-size");
    }

    [Fact]
    public void Of_NoHumanNotRequired_SimulatedBySourceLabels()
    {
        var (manifest, consensus, annotations) = Labelled();

        var measured = QcMeasurement.Of(manifest, consensus, annotations, 0, LabelSetDigest);

        var audit = measured.Evidence.GoldAudit.ShouldNotBeNull();
        audit.Kind.ShouldBe(GoldAuditKinds.Simulated);
        audit.Simulated.ShouldBeTrue();
        audit.Reviewer.ShouldBeNull();
        audit.Submission.ShouldBeNull();
        audit.Reviewed.ShouldBe(QcMeasurement.GoldAuditSampleSize);
        audit.PassRate.ShouldBe(1.0);
        measured.AuditFailures.ShouldBe(0);
        // The same figures under a policy that requires a person: the simulated audit is not evidence.
        QualityGate.Evaluate(measured.Evidence, HumanPolicy).Findings.Single(f => f.Check == "gold-audit-reviewer").Outcome.ShouldBe(CheckOutcome.NotMeasured);
        QualityGate.Evaluate(measured.Evidence, HumanPolicy with { GoldAudit = null, GoldAuditDeadline = null }).Passed.ShouldBeTrue();
    }

    [Fact]
    public void Of_SourceLabelsDisagreeWithConsensus_SimulatedPassRateFromSource()
    {
        var (manifest, consensus, annotations) = Labelled();
        var sample = QcMeasurement.AuditSample(manifest, consensus, LabelSetDigest);
        // The source labelled three sampled items differently from the annotators' consensus.
        var changed = sample.Take(3).ToHashSet(StringComparer.Ordinal);
        var source = manifest with { Items = [.. manifest.Items.Select(i => changed.Contains(i.ItemId) ? i with { Label = Other(i.Label) } : i)] };

        var measured = QcMeasurement.Of(source, consensus, annotations, 0, LabelSetDigest);

        var audit = measured.Evidence.GoldAudit.ShouldNotBeNull();
        audit.Simulated.ShouldBeTrue();
        audit.PassRate.ShouldBe(47 / 50.0, 1e-15);
        measured.AuditFailures.ShouldBe(3);
    }
}
