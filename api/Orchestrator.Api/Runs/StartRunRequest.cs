using FluentValidation;
using Orchestrator.Contracts;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Runs;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Api.Runs;

/// <summary>POST /api/runs: what to train and under which policy.</summary>
/// <param name="ModelName">The model this run trains a version of (lowercase letters, digits, dashes).</param>
/// <param name="Dataset">Where the images come from (or name a registered dataset with <paramref name="DatasetName"/>).</param>
/// <param name="Annotation">Where the labels come from; simulated annotators when omitted.</param>
/// <param name="Policy">The governance policy; the latest "default" when omitted.</param>
/// <param name="BaseCheckpointDigest">A previous version's checkpoint ("sha256:...") to start from (retrain).</param>
/// <param name="DatasetName">A dataset registered with POST /api/datasets, instead of <paramref name="Dataset"/>.</param>
/// <param name="BaseModel">A base model registered with POST /api/base-models to fine-tune from (its architecture must be the policy's).</param>
public sealed record StartRunRequest(
    string ModelName, DatasetSpec? Dataset, AnnotationSpec? Annotation = null, PolicySpec? Policy = null, string? BaseCheckpointDigest = null, string? DatasetName = null,
    string? BaseModel = null);

/// <summary>A dataset source: "synthetic", "image-folder", "cifar10" or "multi-label", with its data-governance terms.</summary>
public sealed record DatasetSpec(string Kind, string? Location, Dictionary<string, string>? Parameters, string Licence, string Consent, string Retention);

/// <summary>A label source: "simulated", "csv" or "jsonl".</summary>
public sealed record AnnotationSpec(string Kind, string? Location, Dictionary<string, string>? Parameters);

/// <summary>A policy by name and (optionally) version.</summary>
public sealed record PolicySpec(string Name, int? Version);

/// <summary>The shape rules of a run request; the policy must exist in the catalog.</summary>
public sealed class StartRunRequestValidator : AbstractValidator<StartRunRequest>
{
    public StartRunRequestValidator(PolicyCatalog catalog)
    {
        RuleFor(r => r.ModelName).NotEmpty().Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage);
        RuleFor(r => r.Dataset).NotNull().When(r => r.DatasetName is null).WithMessage("Give a dataset source or a registered datasetName.");
        RuleFor(r => r.Dataset!).SetValidator(new DatasetSpecValidator()).When(r => r.Dataset is not null);
        RuleFor(r => r.DatasetName).Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage).When(r => r.DatasetName is not null);
        RuleFor(r => r.DatasetName).Null().When(r => r.Dataset is not null).WithMessage("Give either a dataset source or a datasetName, not both.");
        RuleFor(r => r.Annotation!).SetValidator(new AnnotationSpecValidator()).When(r => r.Annotation is not null);
        RuleFor(r => r.Policy!.Name).Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage).When(r => r.Policy is not null);
        RuleFor(r => r.Policy!.Version).GreaterThan(0).When(r => r.Policy is not null);
        RuleFor(r => r.Policy).Must(p => catalog.Find(new PolicyRef(p?.Name ?? RequestRules.DefaultPolicy, p?.Version)) is not null)
            .WithMessage("No such policy (GET /api/policies lists them).")
            .When(r => r.Policy is null || (RequestRules.IsName(r.Policy.Name) && r.Policy.Version is null or > 0));
        RuleFor(r => r.BaseCheckpointDigest).Must(Digest.IsValid).WithMessage(RequestRules.DigestMessage).When(r => r.BaseCheckpointDigest is not null);
        RuleFor(r => r.BaseModel).Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage).When(r => r.BaseModel is not null);
        RuleFor(r => r.BaseModel).Null().When(r => r.BaseCheckpointDigest is not null).WithMessage("Give either a baseModel or a baseCheckpointDigest, not both.");
    }
}

/// <summary>Shape rules of a dataset source (also used by POST /api/datasets).</summary>
public sealed class DatasetSpecValidator : AbstractValidator<DatasetSpec>
{
    public static readonly string[] Kinds = ["synthetic", "image-folder", "cifar10", IAcquireActivities.MultiLabelKind];

    public DatasetSpecValidator()
    {
        RuleFor(d => d.Kind).NotEmpty().Must(k => Kinds.Contains(k)).WithMessage($"Kind must be one of: {string.Join(", ", Kinds)}.");
        RuleFor(d => d.Location).NotEmpty().When(d => d.Kind is "image-folder" or "cifar10" or IAcquireActivities.MultiLabelKind).WithMessage("Location is required for this kind.");
        RuleFor(d => d.Parameters).Must(p => p is not null && p.TryGetValue(IAcquireActivities.LabelsParameter, out var file)
                && (file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)))
            .WithMessage($"A {IAcquireActivities.MultiLabelKind} source needs the parameter \"{IAcquireActivities.LabelsParameter}\": its .csv or .jsonl label file inside the location.")
            .When(d => d.Kind == IAcquireActivities.MultiLabelKind);
        RuleFor(d => d.Location).Must(RequestRules.IsSafeLocation!).WithMessage(RequestRules.LocationMessage).When(d => d.Location is not null);
        RuleFor(d => d.Parameters).Must(RequestRules.AreParameters!).WithMessage(RequestRules.ParametersMessage).When(d => d.Parameters is not null);
        // The worker's own parser, here: a synthetic source without a seed (or with a count of a billion) is a 400 now, not a failed run later.
        RuleFor(d => d.Parameters).Custom((parameters, context) =>
        {
            if (SourceParameters.Refusal(parameters, SyntheticParameters.Parse) is { } refusal)
            {
                context.AddFailure("Parameters", refusal);
            }
        }).When(d => d.Kind == "synthetic" && (d.Parameters is null || RequestRules.AreParameters(d.Parameters)));
        RuleFor(d => d.Licence).NotEmpty().Must(RequestRules.IsText).WithMessage(RequestRules.TextMessage);
        RuleFor(d => d.Consent).NotEmpty().Must(RequestRules.IsText).WithMessage(RequestRules.TextMessage);
        RuleFor(d => d.Retention).NotEmpty().Matches("^P([0-9]{1,4}[YMWD])+$").WithMessage("Retention must be an ISO 8601 period such as P7Y.");
    }
}

/// <summary>Shape rules of a label source.</summary>
public sealed class AnnotationSpecValidator : AbstractValidator<AnnotationSpec>
{
    public static readonly string[] Kinds = ["simulated", "csv", "jsonl"];

    public AnnotationSpecValidator()
    {
        RuleFor(a => a.Kind).NotEmpty().Must(k => Kinds.Contains(k)).WithMessage($"Kind must be one of: {string.Join(", ", Kinds)}.");
        RuleFor(a => a.Location).NotEmpty().When(a => a.Kind is "csv" or "jsonl").WithMessage("Location is required for this kind.");
        RuleFor(a => a.Location).Must(RequestRules.IsSafeLocation!).WithMessage(RequestRules.LocationMessage).When(a => a.Location is not null);
        RuleFor(a => a.Parameters).Must(RequestRules.AreParameters!).WithMessage(RequestRules.ParametersMessage).When(a => a.Parameters is not null);
        RuleFor(a => a.Parameters).Custom((parameters, context) =>
        {
            if (SourceParameters.Refusal(parameters, SimulationParameters.Parse) is { } refusal)
            {
                context.AddFailure("Parameters", refusal);
            }
        }).When(a => a.Kind == "simulated" && (a.Parameters is null || RequestRules.AreParameters(a.Parameters)));
    }
}

/// <summary>Runs a source kind's parameter parser (the one its activity uses) for the validators.</summary>
internal static class SourceParameters
{
    /// <summary>The parser's refusal, or null when it accepts <paramref name="parameters"/>.</summary>
    public static string? Refusal<T>(Dictionary<string, string>? parameters, Func<IReadOnlyDictionary<string, string>, T> parse)
    {
        try
        {
            parse(parameters ?? []);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            return e.Message;
        }
    }
}
