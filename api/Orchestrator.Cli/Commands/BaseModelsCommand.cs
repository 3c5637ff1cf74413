using System.CommandLine;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator base-models register|show`: pretrained weights runs fine-tune from.</summary>
public static class BaseModelsCommand
{
    public static Command Create()
    {
        var group = new Command("base-models", "Register and show base models (pretrained weights, checked key by key).");
        group.Subcommands.Add(Register());
        group.Subcommands.Add(Show());
        return group;
    }

    private static Command Register()
    {
        var name = CliContext.Arg("name", "The base model's name.");
        var architecture = new Option<string>("--architecture") { Description = "resnet18, resnet34, resnet50 or mobilenet_v3_small.", Required = true };
        var location = new Option<string>("--location") { Description = "The weights file (.safetensors, *.safetensors.index.json, .pt/.pth) under a data root of the service, or blob://container/path.", Required = true };
        var source = new Option<string>("--source") { Description = "Where the weights come from.", Required = true };
        var licence = new Option<string>("--licence") { Description = "The weights' licence.", Required = true };
        var description = new Option<string?>("--description") { Description = "What they are." };
        var command = new Command("register", "Import pretrained weights as a base model (refused naming the first key that does not fit).")
            { name, architecture, location, source, licence, description };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var body = new
            {
                name = parse.GetValue(name),
                architecture = parse.GetValue(architecture),
                location = parse.GetValue(location),
                source = parse.GetValue(source),
                licence = parse.GetValue(licence),
                description = parse.GetValue(description),
            };
            var registered = await api.PostAsync("/api/base-models", body, cancellationToken);
            Print(registered, output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var name = CliContext.Arg("name", "The base model.");
        var command = new Command("show", "Show a base model: architecture, weights digest, source, licence, preprocessing.") { name };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            Print(await api.GetAsync($"/api/base-models/{CliContext.Segment(parse.GetValue(name)!)}", cancellationToken), output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(System.Text.Json.JsonElement record, Output output)
    {
        var r = record.GetProperty("registration");
        output.Record(record, ("name", _ => Str(r, "name")), ("architecture", _ => Str(r, "architecture")), ("weights", _ => Str(r, "weightsDigest")),
            ("source", _ => Str(r, "source")), ("licence", _ => Str(r, "licence")), ("format", _ => Str(r, "format")),
            ("registered by", e => Str(e, "registeredBy")), ("registered at", e => Str(e, "registeredAt")));
    }
}
