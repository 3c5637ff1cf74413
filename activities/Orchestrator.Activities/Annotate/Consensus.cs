using Orchestrator.Ml.Annotation;

namespace Orchestrator.Activities.Annotate;

/// <summary>Consensus labels (Dawid-Skene) and the items flagged for disagreement, as annotate and QC both compute them; with the EM's iterations and whether it converged (QC records both, and an unconverged consensus is not evidence).</summary>
public sealed record Consensus(AnnotationSet Set, IReadOnlyList<ConsensusLabel> Labels, IReadOnlyList<DisagreementFlag> Flags, int Iterations = 0, bool Converged = true)
{
    public static Consensus Of(IReadOnlyList<AnnotationRecord> records, IReadOnlyList<string> classes)
    {
        var set = AnnotationSet.From(records, classes);
        var dawidSkene = DawidSkene.Estimate(set);
        var flags = DisagreementFlags.Find(MajorityVote.Compute(set), dawidSkene.Labels, AnnotateActivities.MinimumSupport);
        return new Consensus(set, dawidSkene.Labels, flags, dawidSkene.Iterations, dawidSkene.Converged);
    }
}
