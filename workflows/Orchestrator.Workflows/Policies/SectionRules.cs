using System.Text.RegularExpressions;
using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.QualityControl;
using static Orchestrator.Workflows.Policies.PolicyRules;

namespace Orchestrator.Workflows.Policies;

/// <summary>The value ranges of each section's keys (docs/policies.md lists them). Optional thresholds are checked only when set.</summary>
internal static partial class SectionRules
{
    /// <summary>
    /// A quorum of at least one that eligible approvers can meet: some role is eligible, no role is blank, and every
    /// required role is itself eligible (a required role outside the eligible ones, often a misspelling, could only be
    /// supplied by someone who also holds an eligible role, and as a typo it makes every run wait until it expires).
    /// </summary>
    public static void Approval(ApprovalPolicy approval, RuleScope at)
    {
        at.Require(Key(nameof(approval.Quorum)), approval.Quorum >= 1, $"must be 1 or more, not {approval.Quorum}: a quorum of {approval.Quorum} approves on nobody's word");
        at.Require(Key(nameof(approval.EligibleRoles)), approval.EligibleRoles.Count > 0, "names no role, so no one can approve and the quorum can never be met");
        at.Require(Key(nameof(approval.EligibleRoles)), approval.EligibleRoles.All(r => !string.IsNullOrWhiteSpace(r)), "must not contain an empty role");
        var outside = approval.RequiredRoles.Where(r => !approval.EligibleRoles.Contains(r, StringComparer.Ordinal)).ToList();
        at.Require(Key(nameof(approval.RequiredRoles)), outside.Count == 0,
            $"{string.Join(", ", outside.Select(r => $"\"{r}\""))} required but not among the eligible roles ({string.Join(", ", approval.EligibleRoles)}): no eligible approver is sure to supply it");
        at.Positive(Key(nameof(approval.Deadline)), approval.Deadline);
    }

    public static void Canary(CanaryPolicy canary, RuleScope at)
    {
        at.Require(Key(nameof(canary.TrafficShare)), canary.TrafficShare is > 0 and <= 1,
            $"must be greater than 0 and at most 1, not {canary.TrafficShare}: a canary that gets no traffic is never measured");
        at.Positive(Key(nameof(canary.Window)), canary.Window);
        at.Fraction(Key(nameof(canary.MaxErrorRate)), canary.MaxErrorRate);
        at.Positive(Key(nameof(canary.MaxLatencyRatio)), canary.MaxLatencyRatio);
        at.AtLeast(Key(nameof(canary.MaxDistributionShift)), canary.MaxDistributionShift, 0);
        at.AtLeast(Key(nameof(canary.MinRequests)), canary.MinRequests, 1);
        at.Significance(Key(nameof(canary.ShiftSignificance)), canary.ShiftSignificance);
        at.AtLeast(Key(nameof(canary.MinLatencyIncreaseMs)), canary.MinLatencyIncreaseMs, 0);
    }

    public static void Training(TrainingSpec training, RuleScope at)
    {
        at.Require(Key(nameof(training.Architecture)), !string.IsNullOrWhiteSpace(training.Architecture), "must name an architecture");
        at.AtLeast(Key(nameof(training.Epochs)), training.Epochs, 1);
        at.AtLeast(Key(nameof(training.BatchSize)), training.BatchSize, 1);
        at.Positive(Key(nameof(training.LearningRate)), training.LearningRate);
        at.Positive(Key(nameof(training.HeartbeatTimeout)), training.HeartbeatTimeout);
        // The recipe's ranges, as the Train activity checks them (TrainingSpecRules), each at its own pointer; the four
        // keys checked above are not reported twice.
        string[] checkedAbove = ["architecture", "epochs", "batchSize", "learningRate"];
        foreach (var problem in TrainingSpecRules.Problems(training))
        {
            var space = problem.IndexOf(' ', StringComparison.Ordinal);
            var key = problem[..space]["training.".Length..];
            if (!checkedAbove.Contains(key))
            {
                at.Add(key.Replace('.', '/'), problem[(space + 1)..]);
            }
        }
    }

    public static void Quality(QcPolicy quality, RuleScope at)
    {
        at.AtLeast(Key(nameof(quality.MinItems)), quality.MinItems, 1);
        at.Fraction(Key(nameof(quality.MaxCorruptFraction)), quality.MaxCorruptFraction);
        at.Coefficient(Key(nameof(quality.MinFleissKappa)), quality.MinFleissKappa);
        at.Coefficient(Key(nameof(quality.MinKrippendorffAlpha)), quality.MinKrippendorffAlpha);
        at.Coefficient(Key(nameof(quality.MinLabelAlpha)), quality.MinLabelAlpha);
        at.Fraction(Key(nameof(quality.MinClassAgreement)), quality.MinClassAgreement);
        at.Fraction(Key(nameof(quality.MaxDisagreementFraction)), quality.MaxDisagreementFraction);
        at.Fraction(Key(nameof(quality.MinGoldAuditLowerBound)), quality.MinGoldAuditLowerBound);
        at.AtLeast(Key(nameof(quality.MinGoldAuditReviewed)), quality.MinGoldAuditReviewed, 1);
        at.AtLeast(Key(nameof(quality.MinClassCount)), quality.MinClassCount, 1);
        at.AtLeast(Key(nameof(quality.MaxImbalanceRatio)), quality.MaxImbalanceRatio, 1);
        at.Fraction(Key(nameof(quality.MaxExactDuplicateFraction)), quality.MaxExactDuplicateFraction);
        at.Fraction(Key(nameof(quality.MaxNearDuplicateFraction)), quality.MaxNearDuplicateFraction);
        at.AtLeast(Key(nameof(quality.MaxLeakingItems)), quality.MaxLeakingItems, 0);
        at.AtLeast(Key(nameof(quality.MinSliceCount)), quality.MinSliceCount, 1);
        at.Positive(Key(nameof(quality.GoldAuditDeadline)), quality.GoldAuditDeadline);
        at.Require(Key(nameof(quality.GoldAuditDeadline)), quality.GoldAudit != GoldAuditMode.Human || quality.GoldAuditDeadline is not null,
            "must be set when goldAudit is \"human\": the run waits for a reviewer until then");
    }

    public static void Evaluation(EvaluationPolicy evaluation, RuleScope at)
    {
        at.Fraction(Key(nameof(evaluation.MinAccuracy)), evaluation.MinAccuracy);
        at.Fraction(Key(nameof(evaluation.MinMacroF1)), evaluation.MinMacroF1);
        at.Fraction(Key(nameof(evaluation.MinMeanAveragePrecision)), evaluation.MinMeanAveragePrecision);
        at.Fraction(Key(nameof(evaluation.MinLabelAveragePrecision)), evaluation.MinLabelAveragePrecision);
        at.Fraction(Key(nameof(evaluation.MinClassRecall)), evaluation.MinClassRecall);
        at.Fraction(Key(nameof(evaluation.MaxCalibrationError)), evaluation.MaxCalibrationError);
        at.Fraction(Key(nameof(evaluation.MaxWorstSliceGap)), evaluation.MaxWorstSliceGap);
        at.Fraction(Key(nameof(evaluation.MaxRobustnessDrop)), evaluation.MaxRobustnessDrop);
        at.AtLeast(Key(nameof(evaluation.MaxParityError)), evaluation.MaxParityError, 0);
        at.Significance(Key(nameof(evaluation.SignificanceLevel)), evaluation.SignificanceLevel);
    }

    public static void Drift(DriftTerms drift, RuleScope at)
    {
        at.Positive(Key(nameof(drift.CheckInterval)), drift.CheckInterval);
        at.AtLeast(Key(nameof(drift.MinSamples)), drift.MinSamples, 1);
        at.AtLeast(Key(nameof(drift.MaxPsi)), drift.MaxPsi, 0);
        at.Significance(Key(nameof(drift.KsAlpha)), drift.KsAlpha);
        at.Fraction(Key(nameof(drift.MinOnlineAccuracy)), drift.MinOnlineAccuracy);
        at.AtLeast(Key(nameof(drift.MinFeedback)), drift.MinFeedback, 1);
        at.Fraction(Key(nameof(drift.MaxErrorRate)), drift.MaxErrorRate);
        at.Significance(Key(nameof(drift.ShiftSignificance)), drift.ShiftSignificance);
    }

    public static void Retention(RetentionPolicy retention, RuleScope at)
    {
        at.Require(Key(nameof(retention.Retention)), IsoDuration().IsMatch(retention.Retention),
            $"must be an ISO 8601 duration such as \"P7Y\" or \"P18M\", not \"{retention.Retention}\"");
        at.NotNegative(Key(nameof(retention.SupersededGracePeriod)), retention.SupersededGracePeriod);
    }

    [GeneratedRegex(@"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDuration();
}
