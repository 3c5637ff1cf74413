using System.CommandLine;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator models list|show|promote|rollback|decommission` over /api/models.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var models = new Command("models", "The model registry: versions, aliases; promote, roll back, decommission.");
        var list = new Command("list", "Every registered model.");
        list.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var all = await api.GetAsync("/api/models", cancellationToken);
            var rows = all.ValueKind == System.Text.Json.JsonValueKind.Array ? all.EnumerateArray() : all.GetProperty("items").EnumerateArray();
            output.Table(all, rows, ("model", e => Str(e, "name")),
                ("versions", e => e.TryGetProperty("versions", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Array ? v.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : Str(e, "versionCount")),
                ("aliases", e => e.TryGetProperty("aliases", out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? string.Join(", ", a.EnumerateObject().Select(p => $"{p.Name}=v{(p.Value.ValueKind == System.Text.Json.JsonValueKind.Object ? Str(p.Value, "version") : p.Value.GetRawText())}"))
                    : null));
            return ExitCodes.Ok;
        });
        models.Subcommands.Add(list);

        var name = CliContext.Arg("model", "The model's name.");
        var show = new Command("show", "A model's versions and aliases.") { name };
        show.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var model = await api.GetAsync($"/api/models/{CliContext.Segment(parse.GetValue(name)!)}", cancellationToken);
            new Output(output.Writer, json: true).Record(model);
            return ExitCodes.Ok;
        });
        models.Subcommands.Add(show);
        models.Subcommands.Add(Operation("promote", "Promote a version to production.", withVersion: true, v => $"promote"));
        models.Subcommands.Add(Operation("rollback", "Drop the canary, or return production to its previous version.", withVersion: false, _ => "rollback"));
        models.Subcommands.Add(Operation("decommission", "Decommission a version (it stops serving for good).", withVersion: true, v => $"versions/{v}/decommission"));
        return models;
    }

    private static Command Operation(string verb, string description, bool withVersion, Func<int, string> route)
    {
        var name = CliContext.Arg("model", "The model's name.");
        var version = new Option<int>("--version") { Description = "The model version.", Required = withVersion };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit trail).", Required = true };
        var command = new Command(verb, description) { name, reason };
        if (withVersion)
        {
            command.Options.Add(version);
        }

        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var v = parse.GetValue(version);
            object body = verb == "promote" ? new { version = v, reason = parse.GetValue(reason) } : new { reason = parse.GetValue(reason) };
            var result = await api.PostAsync($"/api/models/{CliContext.Segment(parse.GetValue(name)!)}/{route(v)}", body, cancellationToken);
            if (result.ValueKind == System.Text.Json.JsonValueKind.Undefined)
            {
                output.Line($"{verb}: done");
            }
            else
            {
                new Output(output.Writer, json: true).Record(result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
