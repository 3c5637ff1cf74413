using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>The QC stage's activity: computes agreement, audit and data checks, applies the pure QC gate, records the result.</summary>
public static class QualityControlActivity
{
    public const string Name = "QualityControl";

    public sealed record Input(string RunId, DatasetVersion Dataset, LabelSet Labels, string PolicyDigest);
}
