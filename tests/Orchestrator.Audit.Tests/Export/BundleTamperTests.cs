using System.IO.Compression;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Export;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Export;

/// <summary>
/// Bundles edited after export: streams or checkpoints removed (with the manifest's digests rewritten, and even
/// re-signed by a holder of the key where that still fails), an attacker's key, malformed files. Each fails,
/// naming what, or is refused with one line.
/// </summary>
public sealed class BundleTamperTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"audit-bundle-tamper-{Guid.NewGuid():N}");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_StreamRemovedFromEventsAndManifest_FailsOnTheSignatureAndTheCheckpoint()
    {
        var directory = await ExportLedgerAsync("s1");
        var removed = AuditStreams.Run("s1");
        var kept = RemoveStream(directory, removed);
        await BundleEdits.FixManifestWithoutKeyAsync(directory, m => m with { Streams = [.. m.Streams.Where(s => s.Id != removed)], EventCount = kept });

        var report = await VerifyAsync(directory);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.ManifestSignatureInvalid, Failures(report));
        report.Failures.ShouldContain(f => f.Kind == FailureKind.BundleFileMismatch && f.StreamId == removed && f.Message.Contains("it was removed"), Failures(report));
    }

    [Fact]
    public async Task Verify_StreamRemovedAndManifestResignedWithTheKey_LastCheckpointStillNamesIt()
    {
        var directory = await ExportLedgerAsync("s2");
        var removed = AuditStreams.Model("s2");
        var kept = RemoveStream(directory, removed);
        await BundleEdits.FixManifestAsync(directory, fixture.Signer, m => m with { Streams = [.. m.Streams.Where(s => s.Id != removed)], EventCount = kept });

        var report = await VerifyAsync(directory);

        var failure = report.Failures.ShouldHaveSingleItem(Failures(report));
        failure.Kind.ShouldBe(FailureKind.BundleFileMismatch);
        failure.StreamId.ShouldBe(removed);
    }

    [Fact]
    public async Task Verify_CheckpointsEmptied_NamesEveryRemovedCheckpoint()
    {
        var directory = await ExportLedgerAsync("k1");
        var count = File.ReadAllLines(Path.Combine(directory, BundleManifest.CheckpointsFile)).Length;
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.CheckpointsFile), "", Token);
        await BundleEdits.FixManifestWithoutKeyAsync(directory, m => m with { CheckpointCount = 0 });

        var report = await VerifyAsync(directory);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.ManifestSignatureInvalid, Failures(report));
        report.Failures.Count(f => f.Kind == FailureKind.CheckpointMissing && f.Message.Contains("it was removed")).ShouldBe(count, Failures(report));
        report.Failures.ShouldContain(f => f.Kind == FailureKind.UncoveredEntries);
    }

    [Fact]
    public async Task Verify_CheckpointsAndTheirListEmptiedAndResignedWithTheKey_NoExportedEntryIsCovered()
    {
        var directory = await ExportLedgerAsync("k2");
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.CheckpointsFile), "", Token);
        await BundleEdits.FixManifestAsync(directory, fixture.Signer, m => m with { CheckpointCount = 0, Checkpoints = [] });

        var report = await VerifyAsync(directory);

        report.IsValid.ShouldBeFalse();
        report.Failures.ShouldContain(f => f.Kind == FailureKind.CheckpointMissing && f.Message.Contains("no verified last checkpoint"), Failures(report));
        report.Failures.ShouldContain(f => f.Kind == FailureKind.UncoveredEntries && f.StreamId == AuditStreams.Run("k2"), Failures(report));
    }

    [Fact]
    public async Task Verify_OnlyTheFirstCheckpointKept_NamesTheOthers()
    {
        await fixture.NewCheckpointWriter().TakeAsync(Token);
        var directory = await ExportLedgerAsync("k3");
        var lines = File.ReadAllLines(Path.Combine(directory, BundleManifest.CheckpointsFile));
        lines.Length.ShouldBeGreaterThanOrEqualTo(2);
        await File.WriteAllLinesAsync(Path.Combine(directory, BundleManifest.CheckpointsFile), lines[..1], Token);
        await BundleEdits.FixManifestWithoutKeyAsync(directory, m => m with { CheckpointCount = 1 });

        var report = await VerifyAsync(directory);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.ManifestSignatureInvalid, Failures(report));
        report.Failures.Count(f => f.Kind == FailureKind.CheckpointMissing && f.Message.Contains("it was removed")).ShouldBe(lines.Length - 1, Failures(report));
    }

    [Fact]
    public async Task Verify_BundleKeyReplacedByAnAttackers_TrustedFingerprintRefusesItAndTrustedKeyFailsTheSignature()
    {
        var directory = await ExportLedgerAsync("a1");
        using var attacker = BundleEdits.NewSigner(out var keyPath);
        File.Delete(keyPath);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.PublicKeyFile), attacker.PublicKeyPem, Token);
        await BundleEdits.FixManifestAsync(directory, attacker, m => m with { PublicKeyId = attacker.KeyId });
        var trusted = BundleTrust.Fingerprint(BundleTrust.FingerprintOf(fixture.Signer.PublicKeyPem));

        var refused = await Should.ThrowAsync<BundleUnreadableException>(() => BundleVerifier.VerifyAsync(directory, trusted, null, Token));
        var report = await VerifyAsync(directory);

        refused.Message.ShouldBe($"the bundle's key {BundleTrust.FingerprintOf(attacker.PublicKeyPem)} is not the trusted key {BundleTrust.FingerprintOf(fixture.Signer.PublicKeyPem)}");
        report.Failures.ShouldContain(f => f.Kind == FailureKind.ManifestSignatureInvalid, Failures(report));
    }

    [Fact]
    public async Task Verify_PinnedCheckpoint_PassesWhenHeldAndFailsWhenNot()
    {
        var directory = await ExportLedgerAsync("p1");
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, BundleManifest.FileName))).RootElement;
        var last = manifest.GetProperty("checkpoints").EnumerateArray().Last().GetProperty("digest").GetString();
        var trust = BundleTrust.PublicKey(fixture.Signer.PublicKeyPem);

        var held = await BundleVerifier.VerifyAsync(directory, trust, "sha256:" + last, Token);
        var gone = await BundleVerifier.VerifyAsync(directory, trust, "sha256:" + new string('0', 64), Token);

        held.State.ShouldBe(VerificationState.Verified, Failures(held));
        gone.Failures.ShouldHaveSingleItem().Kind.ShouldBe(FailureKind.PinnedCheckpointMissing);
    }

    [Theory]
    [InlineData("manifest-null-streams")]
    [InlineData("manifest-null-checkpoint")]
    [InlineData("manifest-null")]
    [InlineData("manifest-not-json")]
    [InlineData("manifest-format-1")]
    [InlineData("no-manifest")]
    [InlineData("no-signature")]
    [InlineData("event-line-not-json")]
    [InlineData("event-line-no-stream")]
    [InlineData("checkpoint-line-not-an-object")]
    [InlineData("not-a-zip")]
    [InlineData("empty-zip")]
    public async Task Verify_MalformedBundle_IsRefusedWithOneLine(string damage)
    {
        var directory = await ExportLedgerAsync($"m-{damage}");
        var path = Damage(directory, damage);

        var refused = await Should.ThrowAsync<BundleUnreadableException>(() => VerifyAsync(path));

        refused.Message.ShouldNotContain("\n");
        refused.Message.Length.ShouldBeLessThan(400);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task<VerificationReport> VerifyAsync(string path) => BundleVerifier.VerifyAsync(path, fixture.Signer.PublicKeyPem, Token);

    private static string Failures(VerificationReport report) => string.Join("; ", report.Failures);

    private async Task<string> ExportLedgerAsync(string name)
    {
        var ledger = fixture.NewLedger();
        await ledger.AppendAsync(AuditStreams.Run(name), Samples.Requested(name), Samples.User(name, "alice", "ml-engineer"), "requested", Token);
        await ledger.AppendAsync(AuditStreams.Run(name), Samples.Dataset(), Samples.Worker(name), "dataset", Token);
        await ledger.AppendAsync(AuditStreams.Model(name), Samples.Exported(1, name), Samples.Worker(name), "v1", Token);
        var directory = Path.Combine(_root, name);
        await new LedgerExporter(fixture.Database, fixture.NewCheckpointWriter(), fixture.Signer, TimeProvider.System).ExportAsync(directory, cancellationToken: Token);
        return directory;
    }

    /// <summary>Removes every line of <paramref name="stream"/> from events.jsonl; returns how many lines are left.</summary>
    private static int RemoveStream(string directory, string stream)
    {
        var events = Path.Combine(directory, BundleManifest.EventsFile);
        var kept = File.ReadAllLines(events).Where(l => !l.Contains($"\"stream\":\"{stream}\"", StringComparison.Ordinal)).ToArray();
        File.WriteAllLines(events, kept);
        return kept.Length;
    }

    private static string Damage(string directory, string damage)
    {
        var manifest = Path.Combine(directory, BundleManifest.FileName);
        var text = File.ReadAllText(manifest);
        switch (damage)
        {
            case "manifest-null-streams":
                File.WriteAllText(manifest, ReplaceMember(text, "streams", "null"));
                break;
            case "manifest-null-checkpoint":
                File.WriteAllText(manifest, ReplaceMember(text, "checkpoints", "[null]"));
                break;
            case "manifest-null":
                File.WriteAllText(manifest, "null");
                break;
            case "manifest-not-json":
                File.WriteAllText(manifest, text[..(text.Length / 2)]);
                break;
            case "manifest-format-1":
                File.WriteAllText(manifest, text.Replace(BundleManifest.FormatName, BundleManifest.UnsignedFormatName, StringComparison.Ordinal));
                break;
            case "no-manifest":
                File.Delete(manifest);
                break;
            case "no-signature":
                File.Delete(Path.Combine(directory, BundleManifest.SignatureFile));
                break;
            case "event-line-not-json":
                File.AppendAllText(Path.Combine(directory, BundleManifest.EventsFile), "{\"stream\": \n");
                break;
            case "event-line-no-stream":
                File.AppendAllText(Path.Combine(directory, BundleManifest.EventsFile), "{\"stream\":null,\"version\":1}\n");
                break;
            case "checkpoint-line-not-an-object":
                File.AppendAllText(Path.Combine(directory, BundleManifest.CheckpointsFile), "[1,2,3]\n");
                break;
            case "not-a-zip":
                var fake = directory + ".zip";
                File.WriteAllText(fake, "not a zip");
                return fake;
            case "empty-zip":
                var empty = directory + "-empty.zip";
                using (ZipFile.Open(empty, ZipArchiveMode.Create))
                {
                }

                return empty;
        }

        return directory;
    }

    private static string ReplaceMember(string manifestJson, string member, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(manifestJson)!.AsObject();
        node[member] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }
}
