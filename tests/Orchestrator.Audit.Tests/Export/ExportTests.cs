using System.Security.Cryptography;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Export;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Export;

public sealed class ExportTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"audit-export-test-{Guid.NewGuid():N}");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportThenVerifyOffline_UntouchedDirectoryBundle_IsValidAndSigned()
    {
        var streams = await WriteAsync("e1");
        var directory = Path.Combine(_root, "bundle");

        var manifest = await Exporter.ExportAsync(directory, streams, Token);
        var report = await BundleVerifier.VerifyAsync(directory, fixture.Signer.PublicKeyPem, Token);

        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
        manifest.EventCount.ShouldBe(6);
        manifest.Scope.ShouldBe(BundleManifest.StreamsScope);
        manifest.Streams.Select(s => s.Id).ShouldBe(streams.Order(StringComparer.Ordinal));
        manifest.Streams.Select(s => s.Version).ShouldBe([3L, 3L]);
        manifest.Checkpoints.Select(c => c.Number).ShouldBe(Enumerable.Range(1, (int)manifest.CheckpointCount).Select(n => (long)n));
        report.EventsChecked.ShouldBe(6 + manifest.CheckpointCount);
        report.CheckpointsChecked.ShouldBeGreaterThanOrEqualTo(1);
        report.LatestCheckpoint.ShouldNotBeNull().Digest.ShouldBe("sha256:" + manifest.Checkpoints[^1].Digest);
        File.ReadAllText(Path.Combine(directory, BundleManifest.PublicKeyFile)).ShouldBe(fixture.Signer.PublicKeyPem);
        using var key = ECDsa.Create();
        key.ImportFromPem(fixture.Signer.PublicKeyPem);
        key.VerifyData(File.ReadAllBytes(Path.Combine(directory, BundleManifest.FileName)),
            Convert.FromBase64String(File.ReadAllText(Path.Combine(directory, BundleManifest.SignatureFile))), HashAlgorithmName.SHA256).ShouldBeTrue();
    }

    [Fact]
    public async Task ExportZipThenVerifyOffline_WholeLedgerWithAFingerprint_IsValid()
    {
        await WriteAsync("e2");
        var zip = Path.Combine(_root, "ledger.zip");
        Directory.CreateDirectory(_root);

        var manifest = await Exporter.ExportZipAsync(zip, cancellationToken: Token);
        var report = await BundleVerifier.VerifyAsync(zip, BundleTrust.Fingerprint(BundleTrust.FingerprintOf(fixture.Signer.PublicKeyPem)), null, Token);

        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
        manifest.Scope.ShouldBe(BundleManifest.LedgerScope);
        report.StreamsChecked.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task VerifyOffline_PayloadEditedByAKeyHolder_NamesTheEntry()
    {
        var streams = await WriteAsync("e3");
        var directory = Path.Combine(_root, "edited");
        await Exporter.ExportAsync(directory, streams, Token);
        var events = Path.Combine(directory, BundleManifest.EventsFile);
        var lines = File.ReadAllLines(events);
        var index = Array.FindIndex(lines, l => l.Contains("\"ItemCount\": 1200", StringComparison.Ordinal) || l.Contains("\"ItemCount\":1200", StringComparison.Ordinal));
        lines[index] = lines[index].Replace("1200", "1201", StringComparison.Ordinal);
        File.WriteAllLines(events, lines);
        await BundleEdits.FixManifestAsync(directory, fixture.Signer);

        var report = await BundleVerifier.VerifyAsync(directory, fixture.Signer.PublicKeyPem, Token);

        var first = report.FirstFailure.ShouldNotBeNull();
        first.Kind.ShouldBe(FailureKind.ContentMismatch, first.ToString());
        first.StreamId.ShouldBe(AuditStreams.Run("e3"));
        first.Version.ShouldBe(2);
    }

    [Fact]
    public async Task VerifyOffline_LastLineRemovedByAKeyHolder_CheckpointNamesTruncation()
    {
        var streams = await WriteAsync("e4");
        var directory = Path.Combine(_root, "truncated");
        await Exporter.ExportAsync(directory, [AuditStreams.Model("e4")], Token);
        var events = Path.Combine(directory, BundleManifest.EventsFile);
        File.WriteAllLines(events, File.ReadAllLines(events)[..^1]);
        await BundleEdits.FixManifestAsync(directory, fixture.Signer, m => m with { EventCount = m.EventCount - 1 });

        var report = await BundleVerifier.VerifyAsync(directory, fixture.Signer.PublicKeyPem, Token);

        var first = report.FirstFailure.ShouldNotBeNull();
        first.Kind.ShouldBe(FailureKind.StreamTruncated, first.ToString());
        first.Version.ShouldBe(3);
        streams.ShouldContain(first.StreamId);
    }

    [Fact]
    public async Task VerifyOffline_FileEditedWithoutManifest_NamesTheFile()
    {
        var streams = await WriteAsync("e5");
        var directory = Path.Combine(_root, "file");
        await Exporter.ExportAsync(directory, streams, Token);
        await File.AppendAllTextAsync(Path.Combine(directory, BundleManifest.PublicKeyFile), "\n", Token);

        var report = await BundleVerifier.VerifyAsync(directory, fixture.Signer.PublicKeyPem, Token);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.BundleFileMismatch && f.StreamId == BundleManifest.PublicKeyFile);
    }

    [Fact]
    public async Task VerifyOffline_WithAnotherPublicKey_NamesSignaturesInvalid()
    {
        var streams = await WriteAsync("e6");
        var directory = Path.Combine(_root, "key");
        await Exporter.ExportAsync(directory, streams, Token);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var report = await BundleVerifier.VerifyAsync(directory, other.ExportSubjectPublicKeyInfoPem(), Token);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.ManifestSignatureInvalid);
        report.Failures.ShouldContain(f => f.Kind == FailureKind.CheckpointSignatureInvalid);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private LedgerExporter Exporter => new(fixture.Database, fixture.NewCheckpointWriter(), fixture.Signer, TimeProvider.System);

    private async Task<string[]> WriteAsync(string name)
    {
        var ledger = fixture.NewLedger();
        var run = AuditStreams.Run(name);
        var model = AuditStreams.Model(name);
        await ledger.AppendAsync(run, Samples.Requested(name), Samples.User(name, "alice", "ml-engineer"), "requested", Token);
        await ledger.AppendAsync(run, Samples.Dataset(), Samples.Worker(name), "dataset", Token);
        await ledger.AppendAsync(run, Samples.Epoch(1), Samples.Worker(name), "epoch-1", Token);
        await ledger.AppendAsync(model, Samples.Exported(1, name), Samples.Worker(name), "v1", Token);
        await ledger.AppendAsync(model, new Events.Models.ModelDeployed(1, "production", 1.0), Samples.Worker(name), "v1/deployed", Token);
        await ledger.AppendAsync(model, new Events.Models.DriftMeasured(1, "psi", 0.05, 0.2, 5000), Samples.Worker(name), "v1/drift-1", Token);
        return [run, model];
    }
}
