using FluentValidation;
using Orchestrator.Api.Http;

namespace Orchestrator.Api.Models;

/// <summary>POST /api/models/{name}/rollback, /stop, /resume and /versions/{v}/decommission: why (kept in the audit trail).</summary>
public sealed record ModelOperationRequest(string Reason);

/// <summary>POST /api/models/{name}/promote: the approved version to put into production, and why.</summary>
public sealed record PromoteRequest(int Version, string Reason);

public sealed class ModelOperationRequestValidator : AbstractValidator<ModelOperationRequest>
{
    public ModelOperationRequestValidator() =>
        RuleFor(r => r.Reason).NotEmpty().Must(RequestRules.IsReason).WithMessage("Reason must be 1-2000 characters without control characters.");
}

public sealed class PromoteRequestValidator : AbstractValidator<PromoteRequest>
{
    public PromoteRequestValidator()
    {
        RuleFor(r => r.Version).GreaterThan(0);
        RuleFor(r => r.Reason).NotEmpty().Must(RequestRules.IsReason).WithMessage("Reason must be 1-2000 characters without control characters.");
    }
}

/// <summary>The answer of an operation: the ledger entry that records it.</summary>
public sealed record ModelOperationAccepted(string Model, string Operation, string StreamId, long LedgerVersion, string Hash);

/// <summary>A model in the registry list.</summary>
public sealed record ModelSummary(string Name, int Versions, int? Production, int? Canary, double CanaryShare, bool Stopped, DateTimeOffset? UpdatedAt);
