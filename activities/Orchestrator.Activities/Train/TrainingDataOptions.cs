namespace Orchestrator.Activities.Train;

/// <summary>How much decoded training data a worker holds in memory (section "Orchestrator:Training").</summary>
public sealed class TrainingDataOptions
{
    public const string Section = "Orchestrator:Training";

    /// <summary>
    /// The most decoded pixel bytes of a training split held in memory. A split that fits is held whole, as
    /// before; a larger one streams from Blob Storage through a least-recently-used cache of this size while the
    /// model trains (Orchestrator.Ml.Data.StreamedImages).
    /// </summary>
    public long DecodedCacheBytes { get; set; } = 4L << 30;
}
