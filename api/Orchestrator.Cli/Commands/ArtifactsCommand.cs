using System.CommandLine;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator artifacts get DIGEST --output FILE` over /api/artifacts: evidence reports, model cards, manifests, models.</summary>
public static class ArtifactsCommand
{
    public static Command Create()
    {
        var artifacts = new Command("artifacts", "Content-addressed artifacts named by the ledger's evidence (reports, model cards, manifests, models).");
        var digest = CliContext.Arg("digest", "The artifact's digest, sha256:<64 lowercase hex digits> (a run's evidence or a ledger entry names it).");
        var file = new Option<string>("--output", "-o") { Description = "Where to write it (replaced only once the download is complete and verified).", Required = true };
        var get = new Command("get", "Download an artifact and check that its bytes hash to its digest (exit 1 and no file if not).") { digest, file };
        get.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var wanted = parse.GetValue(digest)!;
            if (!Digest.IsValid(wanted))
            {
                throw new CliException(ExitCodes.BadInput, $"'{wanted}' is not a digest of the form sha256:<64 lowercase hex digits>");
            }

            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (Directory.Exists(path) || !Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new CliException(ExitCodes.BadInput, $"cannot write '{path}': it is a directory or its folder does not exist");
            }

            var download = await api.DownloadAsync($"/api/artifacts/{CliContext.Segment(wanted)}", path, cancellationToken, expectedSha256: Digest.Parse(wanted).Hex);
            var result = System.Text.Json.JsonSerializer.SerializeToElement(new { digest = wanted, bytes = download.Bytes, mediaType = download.MediaType, file = path, verified = true });
            output.Record(result, ("artifact", _ => wanted), ("bytes", _ => download.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("media type", _ => download.MediaType), ("file", _ => path), ("verified", _ => "sha256 matches"));
            return ExitCodes.Ok;
        });
        artifacts.Subcommands.Add(get);
        return artifacts;
    }
}
