using System.CommandLine;
using System.Security.Cryptography;
using Orchestrator.Audit.Export;
using Orchestrator.Audit.Verification;
using Orchestrator.Cli.Client;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator audit verify-bundle`: offline, with a key the auditor names, never one found beside the bundle.</summary>
public static partial class AuditCommand
{
    private const string NoTrustedKey =
        "no trusted key: pass --public-key FILE (the checkpoint public key, obtained independently of the bundle) or --key-fingerprint sha256:...";

    private static Command VerifyBundle()
    {
        var file = CliContext.Arg("bundle", "The bundle (zip or directory).");
        var key = new Option<string?>("--public-key") { Description = "The checkpoint public key (PEM), obtained independently of the bundle." };
        var fingerprint = new Option<string?>("--key-fingerprint") { Description = "sha256:<hex> of the trusted key (SubjectPublicKeyInfo); the bundle's own key is used only if it matches." };
        var anchor = new Option<string?>("--anchor") { Description = "Fail unless the bundle holds the checkpoint with this digest (sha256:...)." };
        var command = new Command("verify-bundle", "Verify an export bundle offline: no service, no database (exit 1 when anything is wrong).") { file, key, fingerprint, anchor };
        command.SetLocalAction(async (parse, output, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new CliException(ExitCodes.BadInput, $"no bundle at '{path}'");
            }

            var trust = await TrustAsync(parse.GetValue(key), parse.GetValue(fingerprint), cancellationToken);
            var pinned = parse.GetValue(anchor);
            if (pinned is not null && PinnedCheckpoint.Parse(pinned) is null)
            {
                throw new CliException(ExitCodes.BadInput, $"'{pinned}' is not a checkpoint digest of the form sha256:<64 lowercase hex digits>");
            }

            VerificationReport report;
            try
            {
                report = await BundleVerifier.VerifyAsync(path, trust, pinned, cancellationToken);
            }
            catch (Exception e) when (e is BundleUnreadableException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new CliException(ExitCodes.Failed, $"'{path}' cannot be verified: {OneLine(e.Message)}");
            }

            if (output.Json)
            {
                output.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    valid = report.IsValid,
                    state = report.State.ToString(),
                    summary = report.Headline(),
                    eventsChecked = report.EventsChecked,
                    streamsChecked = report.StreamsChecked,
                    checkpointsChecked = report.CheckpointsChecked,
                    latestCheckpoint = report.LatestCheckpoint,
                    failures = report.Failures.Select(f => f.ToString()),
                }));
            }
            else
            {
                PrintReport(output, report.Headline(), report.UnanchoredTail is not null,
                    report.LatestCheckpoint is { } l ? (l.Number, l.Digest, Orchestrator.Audit.Canonical.CanonicalEntry.FormatTime(l.TakenAt)) : null,
                    report.Failures.Select(f => f.ToString()));
            }

            return report.IsValid ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>The key the auditor names: exactly one of a key file or a fingerprint. Nothing beside the bundle is ever looked at.</summary>
    private static async Task<BundleTrust> TrustAsync(string? keyPath, string? fingerprint, CancellationToken cancellationToken)
    {
        if (keyPath is null && fingerprint is null)
        {
            throw new CliException(ExitCodes.BadInput, NoTrustedKey);
        }

        if (keyPath is not null && fingerprint is not null)
        {
            throw new CliException(ExitCodes.BadInput, "pass either --public-key or --key-fingerprint, not both");
        }

        try
        {
            if (fingerprint is not null)
            {
                return BundleTrust.Fingerprint(fingerprint);
            }

            return File.Exists(keyPath)
                ? BundleTrust.PublicKey(await File.ReadAllTextAsync(keyPath!, cancellationToken))
                : throw new CliException(ExitCodes.BadInput, $"no public key at '{keyPath}'");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, OneLine(e is ArgumentException a ? a.Message.Split(" (Parameter", 2)[0] : $"cannot read the public key '{keyPath}': {e.Message}"));
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
