using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Activities;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>The QC stage's activity: computes agreement, audit and data checks, applies the pure QC gate, records the result.</summary>
public interface IQualityControlActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "QualityControl";

    /// <summary>The labels of a dataset version to check under the pinned policy's "quality" section.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Dataset">The acquired dataset version.</param>
    /// <param name="Labels">The label set of this annotation round.</param>
    /// <param name="PolicyDigest">The pinned policy document.</param>
    /// <param name="HumanAudit">The reviewer's confirmed gold-audit submission when the policy requires a human audit (null: none was
    /// submitted by the deadline, or the policy allows a simulated audit; histories from before ADR 0039 never carry it).</param>
    public sealed record Input(string RunId, DatasetVersion Dataset, LabelSet Labels, string PolicyDigest, GoldAuditSubmission? HumanAudit = null);

    /// <summary>Measures, applies the QC gate, stores the evidence and records QualityEvaluated.</summary>
    [Activity(Name)]
    Task<GateOutcome> EvaluateAsync(Input input);
}
