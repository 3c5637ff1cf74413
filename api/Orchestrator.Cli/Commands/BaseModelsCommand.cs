using System.CommandLine;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator base-models register|list|show`: pretrained weights runs fine-tune from.</summary>
public static class BaseModelsCommand
{
    public static Command Create()
    {
        var group = new Command("base-models", "Register, list and show base models (pretrained weights, checked key by key).");
        group.Subcommands.Add(Register());
        group.Subcommands.Add(List());
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

    private static Command List()
    {
        var take = new Option<int>("--take") { Description = "Page size (1-200).", DefaultValueFactory = _ => 50 };
        var skip = new Option<int>("--skip") { Description = "Base models to skip.", DefaultValueFactory = _ => 0 };
        var command = new Command("list", "List the registered base models by name.") { take, skip };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var page = await api.GetAsync($"/api/base-models?take={parse.GetValue(take)}&skip={parse.GetValue(skip)}", cancellationToken);
            output.Table(page, page.GetProperty("items").EnumerateArray(),
                ("name", e => Str(e, "name")), ("architecture", e => Str(e, "architecture")), ("weights", e => Str(e, "weightsDigest")),
                ("source", e => Str(e, "source")), ("licence", e => Str(e, "licence")),
                ("registered by", e => Str(e, "registeredBy")), ("registered at", e => Str(e, "registeredAt")));
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
