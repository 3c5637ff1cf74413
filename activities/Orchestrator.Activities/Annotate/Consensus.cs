using Orchestrator.Ml.Annotation;

namespace Orchestrator.Activities.Annotate;

/// <summary>Consensus labels (Dawid-Skene) and the items flagged for disagreement, as annotate and QC both compute them.</summary>
public sealed record Consensus(AnnotationSet Set, IReadOnlyList<ConsensusLabel> Labels, IReadOnlyList<DisagreementFlag> Flags)
{
    public static Consensus Of(IReadOnlyList<AnnotationRecord> records, IReadOnlyList<string> classes)
    {
        var set = AnnotationSet.From(records, classes);
        var dawidSkene = DawidSkene.Estimate(set).Labels;
        var flags = DisagreementFlags.Find(MajorityVote.Compute(set), dawidSkene, AnnotateActivities.MinimumSupport);
        return new Consensus(set, dawidSkene, flags);
    }
}
