using FluentValidation;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Api.Audit;

/// <summary>Stream ids are "run-..." or "model-..." names (see AuditStreams).</summary>
public static class StreamIds
{
    public static bool IsStreamId(string? id) =>
        id is { Length: <= 80 } && (id.StartsWith("run-", StringComparison.Ordinal) || id.StartsWith("model-", StringComparison.Ordinal))
        && RequestRules.IsName(id);
}

public sealed class VerifyRequestValidator : AbstractValidator<VerifyRequest>
{
    public VerifyRequestValidator()
    {
        RuleFor(r => r.StreamId).Must(StreamIds.IsStreamId).When(r => r.StreamId is not null).WithMessage("Must be a run-... or model-... stream id.");
        RuleFor(r => r.Anchor).Must(a => PinnedCheckpoint.Parse(a) is not null).When(r => r.Anchor is not null)
            .WithMessage("Must be a checkpoint digest: sha256: and 64 lowercase hex digits.");
    }
}

public sealed class ExportRequestValidator : AbstractValidator<ExportRequest>
{
    public ExportRequestValidator()
    {
        RuleFor(r => r.StreamIds).Must(s => s!.Count is > 0 and <= 1000).When(r => r.StreamIds is not null).WithMessage("Between 1 and 1000 stream ids.");
        RuleForEach(r => r.StreamIds).Must(StreamIds.IsStreamId).WithMessage("Must be a run-... or model-... stream id.");
    }
}
