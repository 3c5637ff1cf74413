using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator gold-audit list|submit`: a reviewer labels a run's gold-audit sample (ADR 0039).</summary>
public static class GoldAuditCommand
{
    public static Command Create()
    {
        var audit = new Command("gold-audit", "List a run's gold-audit sample (items and image links) and submit your labels as a reviewer.");
        var listRun = CliContext.Arg("run-id", "The run.");
        var list = new Command("list", "The sampled items of the run's gold audit, with the artifact link of each image (labels withheld).") { listRun };
        list.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var view = await api.GetAsync($"/api/runs/{CliContext.Segment(parse.GetValue(listRun)!)}/gold-audit", cancellationToken);
            if (!output.Json)
            {
                Console.Out.WriteLine($"label set {Str(view, "labelSetDigest")}; {(view.GetProperty("open").GetBoolean() ? "open" : "closed")} until {Str(view, "deadline")}; "
                    + $"classes: {string.Join(", ", view.GetProperty("classes").EnumerateArray().Select(c => c.GetString()))}");
            }

            output.Table(view, view.GetProperty("items").EnumerateArray(), ("item", e => Str(e, "itemId")), ("image", e => Str(e, "image")));
            return ExitCodes.Ok;
        });

        var submitRun = CliContext.Arg("run-id", "The run.");
        var file = new Argument<FileInfo>("file") { Description = "A JSON array of {\"itemId\": ..., \"label\": ...}, one per item you reviewed." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key submits once." };
        var submit = new Command("submit", "Submit your labels for the run's open gold audit (for the label set it lists now).") { submitRun, file, key };
        submit.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var runId = CliContext.Segment(parse.GetValue(submitRun)!);
            JsonElement labels;
            try
            {
                labels = JsonDocument.Parse(await File.ReadAllBytesAsync(parse.GetValue(file)!.FullName, cancellationToken)).RootElement;
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.BadInput, $"cannot read the labels file: {e.Message}");
            }

            var view = await api.GetAsync($"/api/runs/{runId}/gold-audit", cancellationToken);
            var recorded = await api.PostAsync($"/api/runs/{runId}/gold-audit", new { labelSetDigest = Str(view, "labelSetDigest"), labels }, cancellationToken, parse.GetValue(key));
            output.Record(recorded, ("run", e => Str(e, "runId")), ("ledger entry", e => $"{Str(e, "streamId")}@{Str(e, "version")}"), ("hash", e => Str(e, "hash")),
                ("judgement", e => e.TryGetProperty("judgement", out var j) && j.ValueKind == JsonValueKind.Object
                    ? $"{Str(j, "outcome")}: {Str(j, "explanation")}" : "not judged yet (see the run)"));
            return ExitCodes.Ok;
        });
        audit.Subcommands.Add(list);
        audit.Subcommands.Add(submit);
        return audit;
    }
}
