using System.CommandLine;
using System.Diagnostics;
using Orchestrator.Audit.Export;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator audit events|state|verify|export|verify-bundle`.</summary>
public static partial class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "Read, replay, verify and export the audit ledger; verify bundles offline.");
        audit.Subcommands.Add(Events());
        audit.Subcommands.Add(State());
        audit.Subcommands.Add(Verify());
        audit.Subcommands.Add(Export());
        audit.Subcommands.Add(VerifyBundle());
        return audit;
    }

    private static Command Events()
    {
        var stream = CliContext.Arg("stream-id", "run-<id> or model-<name>.");
        var from = new Option<long>("--from") { Description = "First version.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "Entries (1-500).", DefaultValueFactory = _ => 100 };
        var command = new Command("events", "A stream's entries in order.") { stream, from, limit };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var page = await api.GetAsync($"/api/audit/streams/{CliContext.Segment(parse.GetValue(stream)!)}/events?from={parse.GetValue(from)}&limit={parse.GetValue(limit)}", cancellationToken);
            output.Table(page, page.GetProperty("items").EnumerateArray(), ("version", e => Str(e, "version")), ("type", e => Str(e, "type")),
                ("recorded at", e => Str(e, "recordedAt")), ("actor", e => Str(e.GetProperty("context").GetProperty("actor"), "id")), ("hash", e => Str(e, "hash")?[..16]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command State()
    {
        var stream = CliContext.Arg("stream-id", "run-<id> or model-<name>.");
        var version = new Option<long?>("--version") { Description = "The state after this version." };
        var at = new Option<DateTimeOffset?>("--at") { Description = "The state at this instant (ISO 8601), as the ledger knew it." };
        var command = new Command("state", "A run's or model's state replayed from the ledger.") { stream, version, at };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var query = new List<string>();
            if (parse.GetValue(version) is { } v)
            {
                query.Add($"version={v}");
            }

            if (parse.GetValue(at) is { } instant)
            {
                query.Add($"at={Uri.EscapeDataString(instant.ToString("O"))}");
            }

            var state = await api.GetAsync($"/api/audit/streams/{CliContext.Segment(parse.GetValue(stream)!)}/state?{string.Join("&", query)}", cancellationToken);
            new Output(output.Writer, json: true).Record(state);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify()
    {
        var stream = new Option<string?>("--stream") { Description = "Only this stream (default: the whole ledger)." };
        var anchor = new Option<string?>("--anchor") { Description = "Fail unless the checkpoint with this digest (sha256:..., as a previous verify printed it) is still in the ledger." };
        var command = new Command("verify",
            "Re-hash the ledger, check the signed checkpoint chain against its copies outside the database (exit 1 when anything is wrong; "
            + "an unanchored tail, entries younger than the checkpoint interval, is shown as such).") { stream, anchor };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            if (parse.GetValue(anchor) is { } pinned && Orchestrator.Audit.Verification.PinnedCheckpoint.Parse(pinned) is null)
            {
                throw new CliException(ExitCodes.BadInput, $"'{pinned}' is not a checkpoint digest of the form sha256:<64 lowercase hex digits>");
            }

            var report = await api.PostAsync("/api/audit/verify", new { streamId = parse.GetValue(stream), anchor = parse.GetValue(anchor) }, cancellationToken);
            if (output.Json)
            {
                output.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(report));
            }
            else
            {
                var latest = report.GetProperty("latestCheckpoint");
                PrintReport(output, Str(report, "summary")!, report.TryGetProperty("unanchoredTail", out var tail) && tail.ValueKind == System.Text.Json.JsonValueKind.Object,
                    latest.ValueKind == System.Text.Json.JsonValueKind.Object ? (latest.GetProperty("number").GetInt64(), Str(latest, "digest")!, Str(latest, "takenAt")!) : null,
                    report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()!));
            }

            return report.GetProperty("valid").GetBoolean() ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The verification as text: the headline, what an unanchored tail means, the checkpoint to pin next time, every failure.</summary>
    private static void PrintReport(Output output, string headline, bool unanchoredTail, (long Number, string Digest, string TakenAt)? latest, IEnumerable<string> failures)
    {
        output.Writer.WriteLine(headline);
        if (unanchoredTail)
        {
            output.Writer.WriteLine("  note: " + Orchestrator.Audit.Verification.UnanchoredTail.Caveat);
        }

        if (latest is { } l)
        {
            output.Writer.WriteLine($"  latest checkpoint {l.Number}, taken {l.TakenAt}: {l.Digest} (pass it as --anchor next time)");
        }

        foreach (var failure in failures)
        {
            output.Writer.WriteLine("  " + failure);
        }
    }

    private static Command Export()
    {
        var streams = new Option<string[]>("--stream") { Description = "Streams to export (repeatable; default: all).", AllowMultipleArgumentsPerToken = true };
        var file = new Option<string>("--output") { Description = "Where to write the bundle (zip).", DefaultValueFactory = _ => "audit-bundle.zip" };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key exports once." };
        var command = new Command("export", "Export a signed bundle and download it.") { streams, file, key };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var selected = parse.GetValue(streams) is { Length: > 0 } s ? s : null;
            var job = await api.PostAsync("/api/audit/export", new { streamIds = selected }, cancellationToken, parse.GetValue(key));
            var id = Str(job, "exportId")!;
            var clock = Stopwatch.StartNew();
            while (Str(job, "status") == "pending")
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(30))
                {
                    throw new CliException(ExitCodes.Failed, $"export {id} is still pending after 30 minutes");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                job = await api.GetAsync($"/api/audit/exports/{id}", cancellationToken);
            }

            if (Str(job, "status") != "completed")
            {
                throw new CliException(ExitCodes.Failed, $"export {id} failed: {Str(job, "error")}");
            }

            var path = Path.GetFullPath(parse.GetValue(file)!);
            await api.DownloadAsync($"/api/audit/exports/{id}/bundle", path, cancellationToken);
            var publicKey = Path.ChangeExtension(path, ".public-key.pem");
            var pem = await api.GetTextAsync("/api/audit/public-key", cancellationToken);
            await File.WriteAllTextAsync(publicKey, pem, cancellationToken);
            output.Record(job, ("export", _ => id), ("events", e => Str(e, "eventCount")), ("sha256", e => Str(e, "sha256")), ("bundle", _ => path), ("public key", _ => publicKey),
                ("key fingerprint", _ => BundleTrust.FingerprintOf(pem)));
            return ExitCodes.Ok;
        });
        return command;
    }
}
