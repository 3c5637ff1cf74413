using System.CommandLine;
using System.Diagnostics;
using Orchestrator.Audit.Export;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator audit events|state|verify|export|verify-bundle`.</summary>
public static class AuditCommand
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
        var command = new Command("verify", "Re-hash the ledger and check its signed checkpoints (exit 1 when anything is wrong).") { stream };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var report = await api.PostAsync("/api/audit/verify", new { streamId = parse.GetValue(stream) }, cancellationToken);
            return Report(output, report.GetProperty("valid").GetBoolean(), report.GetProperty("eventsChecked").GetInt64(), report.GetProperty("streamsChecked").GetInt32(),
                report.GetProperty("checkpointsChecked").GetInt32(), report.GetProperty("failures").EnumerateArray().Select(f => f.GetString()!), report);
        });
        return command;
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
            await File.WriteAllTextAsync(publicKey, await api.GetTextAsync("/api/audit/public-key", cancellationToken), cancellationToken);
            output.Record(job, ("export", _ => id), ("events", e => Str(e, "eventCount")), ("sha256", e => Str(e, "sha256")), ("bundle", _ => path), ("public key", _ => publicKey));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command VerifyBundle()
    {
        var file = CliContext.Arg("bundle", "The bundle (zip or directory).");
        var key = new Option<string?>("--public-key") { Description = "The checkpoint public key (PEM) obtained independently; default: <bundle>.public-key.pem, else the bundle's own copy (weaker)." };
        var command = new Command("verify-bundle", "Verify an export bundle offline: no service, no database (exit 1 when anything is wrong).") { file, key };
        command.SetLocalAction(async (parse, output, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new CliException(ExitCodes.BadInput, $"no bundle at '{path}'");
            }

            var keyPath = parse.GetValue(key) ?? (File.Exists(Path.ChangeExtension(path, ".public-key.pem")) ? Path.ChangeExtension(path, ".public-key.pem") : null);
            string pem;
            if (keyPath is not null)
            {
                pem = File.Exists(keyPath) ? await File.ReadAllTextAsync(keyPath, cancellationToken) : throw new CliException(ExitCodes.BadInput, $"no public key at '{keyPath}'");
            }
            else
            {
                output.Line("warning: verifying with the bundle's own public key; pass --public-key with a key obtained independently");
                pem = await ReadBundleKeyAsync(path, cancellationToken);
            }

            try
            {
                var report = await BundleVerifier.VerifyAsync(path, pem, cancellationToken);
                return Report(output, report.IsValid, report.EventsChecked, report.StreamsChecked, report.CheckpointsChecked, report.Failures.Select(f => f.ToString()), null);
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new CliException(ExitCodes.Failed, $"'{path}' is not a readable bundle: {e.Message}");
            }
        });
        return command;
    }

    private static async Task<string> ReadBundleKeyAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            return await File.ReadAllTextAsync(Path.Combine(path, BundleManifest.PublicKeyFile), cancellationToken);
        }

        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var entry = zip.GetEntry(BundleManifest.PublicKeyFile) ?? throw new CliException(ExitCodes.Failed, "the bundle has no public key; pass --public-key");
        using var reader = new StreamReader(entry.Open());
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static int Report(Output output, bool valid, long events, int streams, int checkpoints, IEnumerable<string> failures, System.Text.Json.JsonElement? json)
    {
        var list = failures.ToList();
        if (output.Json)
        {
            output.Writer.WriteLine(json is { } j ? System.Text.Json.JsonSerializer.Serialize(j) : System.Text.Json.JsonSerializer.Serialize(new { valid, eventsChecked = events, streamsChecked = streams, checkpointsChecked = checkpoints, failures = list }));
        }
        else
        {
            output.Writer.WriteLine($"{(valid ? "VERIFIED" : "NOT VERIFIED")}: {events} events in {streams} streams, {checkpoints} signed checkpoints");
            foreach (var failure in list)
            {
                output.Writer.WriteLine("  " + failure);
            }
        }

        return valid ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
