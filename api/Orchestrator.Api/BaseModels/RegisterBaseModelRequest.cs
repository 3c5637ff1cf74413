using FluentValidation;
using Orchestrator.Api.Http;

namespace Orchestrator.Api.BaseModels;

/// <summary>POST /api/base-models: pretrained weights to register as a named base model that runs fine-tune from ("baseModel").</summary>
/// <param name="Name">The base model's name (lowercase letters, digits, dashes).</param>
/// <param name="Architecture">The architecture the weights must fit: resnet18, resnet34, resnet50, mobilenet_v3_small (or a small ResNet).</param>
/// <param name="Location">The weights file: .safetensors, *.safetensors.index.json (shards beside it) or .pt/.pth; a path under a local data root, or blob://container/path.</param>
/// <param name="Source">Where the weights come from (a URL, a model hub id, "torchvision IMAGENET1K_V1", ...).</param>
/// <param name="Licence">The licence the weights are under.</param>
/// <param name="Description">What they are.</param>
public sealed record RegisterBaseModelRequest(string Name, string Architecture, string Location, string Source, string Licence, string? Description = null);

public sealed class RegisterBaseModelRequestValidator : AbstractValidator<RegisterBaseModelRequest>
{
    public RegisterBaseModelRequestValidator()
    {
        RuleFor(r => r.Name).Cascade(CascadeMode.Stop).NotEmpty().Matches(RequestRules.NamePattern).WithMessage(RequestRules.NameMessage);
        RuleFor(r => r.Architecture).Cascade(CascadeMode.Stop).NotEmpty().Matches("^[a-z0-9][a-z0-9_-]{0,39}$").WithMessage("Architecture must be a catalogue name such as resnet18.");
        RuleFor(r => r.Location).Cascade(CascadeMode.Stop).NotEmpty().Must(RequestRules.IsSafeLocation).WithMessage(RequestRules.LocationMessage);
        RuleFor(r => r.Source).Cascade(CascadeMode.Stop).NotEmpty().Must(RequestRules.IsText).WithMessage(RequestRules.TextMessage);
        RuleFor(r => r.Licence).Cascade(CascadeMode.Stop).NotEmpty().Must(RequestRules.IsText).WithMessage(RequestRules.TextMessage);
        RuleFor(r => r.Description).Must(RequestRules.IsText!).When(r => r.Description is not null).WithMessage(RequestRules.TextMessage);
    }
}
