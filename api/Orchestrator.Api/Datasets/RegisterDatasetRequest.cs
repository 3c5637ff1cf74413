using FluentValidation;
using Orchestrator.Api.Runs;

namespace Orchestrator.Api.Datasets;

/// <summary>POST /api/datasets: a named dataset source that runs can use by name ("datasetName").</summary>
/// <param name="Name">The dataset's name (lowercase letters, digits, dashes).</param>
/// <param name="Source">Where the images come from and under which terms.</param>
/// <param name="Description">What the data is.</param>
public sealed record RegisterDatasetRequest(string Name, DatasetSpec Source, string? Description);

public sealed class RegisterDatasetRequestValidator : AbstractValidator<RegisterDatasetRequest>
{
    public RegisterDatasetRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage);
        RuleFor(r => r.Source).NotNull().SetValidator(new DatasetSpecValidator());
        RuleFor(r => r.Description).Must(RequestRules.IsText!).When(r => r.Description is not null).WithMessage(RequestRules.TextMessage);
    }
}

/// <summary>A registered dataset source.</summary>
public sealed record DatasetRegistration(string Name, DatasetSpec Source, string? Description, string RegisteredBy, DateTimeOffset RegisteredAt);

/// <summary>A version of a dataset: a manifest digest some run acquired from the registered source.</summary>
public sealed record DatasetVersionView(string ManifestDigest, int ItemCount, DateTimeOffset FirstAcquiredAt, IReadOnlyList<string> Runs);
