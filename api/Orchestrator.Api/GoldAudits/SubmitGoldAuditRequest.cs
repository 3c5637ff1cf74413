using FluentValidation;
using Orchestrator.Contracts;

namespace Orchestrator.Api.GoldAudits;

/// <summary>POST /api/runs/{id}/gold-audit: a reviewer's labels for the sampled items of the label set under audit.</summary>
/// <param name="LabelSetDigest">The label set the reviewer audited (GET /api/runs/{id}/gold-audit names it).</param>
/// <param name="Labels">One label per reviewed item.</param>
public sealed record SubmitGoldAuditRequest(string LabelSetDigest, IReadOnlyList<GoldAuditLabelInput>? Labels);

/// <summary>The reviewer's label for one sampled item.</summary>
public sealed record GoldAuditLabelInput(string ItemId, string Label);

public sealed class SubmitGoldAuditRequestValidator : AbstractValidator<SubmitGoldAuditRequest>
{
    public SubmitGoldAuditRequestValidator()
    {
        RuleFor(r => r.LabelSetDigest).NotEmpty().Must(Digest.IsValid).WithMessage(RequestRules.DigestMessage);
        RuleFor(r => r.Labels).NotEmpty().WithMessage("Labels must list at least one sampled item with its label.");
    }
}

/// <summary>The open (or last) gold-audit request of a run, as a reviewer sees it: the items without their labels.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Open">Whether the run waits for a submission now.</param>
/// <param name="LabelSetDigest">The label set under audit.</param>
/// <param name="Deadline">When the run stops waiting.</param>
/// <param name="Classes">The labels a reviewer may give.</param>
/// <param name="Items">The sampled items, each with its image (GET <c>Image</c>).</param>
public sealed record GoldAuditView(string RunId, bool Open, string LabelSetDigest, DateTimeOffset Deadline, IReadOnlyList<string> Classes, IReadOnlyList<GoldAuditItemView> Items);

/// <summary>One sampled item: its id, its image digest and where to download the image.</summary>
public sealed record GoldAuditItemView(string ItemId, string ImageDigest, string Image);

/// <summary>The answer to a submission: the ledger entry that records it and the workflow's judgement (null in a 202).</summary>
public sealed record GoldAuditRecorded(string RunId, string StreamId, long Version, string Hash, Orchestrator.Workflows.QualityControl.GoldAuditJudgement? Judgement);
