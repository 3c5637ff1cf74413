using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Checkpoints;

public sealed class CheckpointTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TakeAsync_TwoStreams_RecordsEveryHeadSignedChainedAndCopiedOutside()
    {
        var ledger = fixture.NewLedger();
        var run = await ledger.AppendAsync(AuditStreams.Run("c1"), Samples.Requested("c1"), Samples.User("c1", "alice"), "requested", Token);
        var model = await ledger.AppendAsync(AuditStreams.Model("defects"), Samples.Exported(1, "c1"), Samples.Worker("c1"), "exported-1", Token);

        var (first, firstEntry) = await fixture.NewCheckpointWriter().TakeAsync(Token);
        var (second, _) = await fixture.NewCheckpointWriter().TakeAsync(Token);

        second.Number.ShouldBe(first.Number + 1);
        second.Previous.ShouldBe(new CheckpointLink(first.Number, first.Digest));
        first.Heads.ShouldContain(h => h.StreamId == run.StreamId && h.Version == 1 && h.Hash == run.Hash);
        first.Heads.ShouldContain(h => h.StreamId == model.StreamId && h.Hash == model.Hash);
        first.Heads.ShouldNotContain(h => h.StreamId == AuditStreams.Checkpoints);
        var body = CheckpointBody.BytesV2(second.Number, second.TakenAt, second.Heads, second.Previous);
        CheckpointBody.Digest(body).ShouldBe(second.Digest);
        using var publicKey = CheckpointSigner.ImportPublicKey(fixture.Signer.PublicKeyPem);
        CheckpointSigner.Verify(body, second.Signature, publicKey).ShouldBeTrue();
        firstEntry.StreamId.ShouldBe(AuditStreams.Checkpoints);
        firstEntry.EventType.ShouldBe("checkpoint_signed_v2");
        var copy = (await fixture.Anchors.ReadAsync(second.Number, Token)).ShouldNotBeNull();
        copy.Read().Digest.ShouldBe(second.Digest);
        var report = await fixture.NewVerifier().VerifyAsync(fixture.Signer.PublicKeyPem, Token);
        report.IsValid.ShouldBeTrue(string.Join("; ", report.Failures));
        report.CopiesCompared.ShouldBeGreaterThanOrEqualTo(2);
        report.LatestCheckpoint.ShouldBe(new CheckpointSummary(second.Number, "sha256:" + second.Digest, second.TakenAt));
    }

    [Fact]
    public void BytesV2_FirstCheckpoint_IsTheDocumentedCanonicalJson()
    {
        var takenAt = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero).AddTicks(12340);
        var heads = new[] { new StreamHead("run-a", 3, new string('a', 64)) };

        var first = System.Text.Encoding.UTF8.GetString(CheckpointBody.BytesV2(1, takenAt, heads, null));
        var second = System.Text.Encoding.UTF8.GetString(CheckpointBody.BytesV2(2, takenAt, heads, new CheckpointLink(1, new string('b', 64))));

        first.ShouldBe($$"""{"format":"orchestrator-checkpoint/2","heads":[{"hash":"{{new string('a', 64)}}","stream":"run-a","version":3}],"number":1,"previous":null,"takenAt":"2026-12-04T10:00:00.001234Z"}""");
        second.ShouldContain($$""","number":2,"previous":{"digest":"{{new string('b', 64)}}","number":1},"takenAt":""");
    }

    [Fact]
    public async Task Verify_WithAnotherPublicKey_NamesSignatureInvalid()
    {
        await fixture.NewLedger().AppendAsync(AuditStreams.Run("c2"), Samples.Requested("c2"), Samples.User("c2", "alice"), "requested", Token);
        await fixture.NewCheckpointWriter().TakeAsync(Token);
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var report = await fixture.NewVerifier().VerifyAsync(other.ExportSubjectPublicKeyInfoPem(), Token);

        report.FirstFailure.ShouldNotBeNull().Kind.ShouldBe(FailureKind.CheckpointSignatureInvalid);
        report.FirstFailure.StreamId.ShouldBe(AuditStreams.Checkpoints);
    }

    [Fact]
    public async Task TakeAsync_AnotherWriterTakesTheSameNumberMeanwhile_TakesTheNextNumberInsteadOfCallingItDeleted()
    {
        // Found by a loaded test run: two audit exports took checkpoints at once; one read the head (no checkpoint 1),
        // the other then appended checkpoint 1 and wrote its copy, and the first saw a copy ahead of the database.
        await using var scope = await fixture.NewScopeAsync();
        await scope.Ledger.AppendAsync(AuditStreams.Run("c6"), Samples.Requested("c6"), Samples.User("c6", "alice"), "requested", Token);
        var racing = new RacingAnchors(scope.Anchors, racedNumber: 1, () => scope.Checkpoints.TakeAsync(Token));
        var writer = new CheckpointWriter(scope.Database, scope.Ledger, fixture.Signer, racing, TimeProvider.System);

        var (checkpoint, _) = await writer.TakeAsync(Token);

        racing.Raced.ShouldBeTrue();
        checkpoint.Number.ShouldBe(2);
        (await scope.Anchors.ReadAllAsync(Token)).Select(a => a.Number).ShouldBe([1L, 2L]);
        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);
        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
    }

    [Fact]
    public async Task TakeAsync_CopyOfTheLastCheckpointLost_WritesItBeforeTheNextCheckpoint()
    {
        await using var scope = await fixture.NewScopeAsync();
        await scope.Ledger.AppendAsync(AuditStreams.Run("c3"), Samples.Requested("c3"), Samples.User("c3", "alice"), "requested", Token);
        var (first, _) = await scope.Checkpoints.TakeAsync(Token);
        // The process died between the append and the copy: the copy is not there.
        await scope.Copy(first.Number).DeleteAsync(cancellationToken: Token);

        var (second, _) = await scope.Checkpoints.TakeAsync(Token);

        (await scope.Anchors.ReadAsync(first.Number, Token)).ShouldNotBeNull().Read().Digest.ShouldBe(first.Digest);
        (await scope.Anchors.ReadAsync(second.Number, Token)).ShouldNotBeNull();
        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);
        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
    }

    [Fact]
    public async Task Verify_FormatOneCheckpointsRecordedBeforeChaining_StillVerifyAndTheFirstChainedOneLinksToThem()
    {
        await using var scope = await fixture.NewScopeAsync();
        var entry = await scope.Ledger.AppendAsync(AuditStreams.Run("c4"), Samples.Requested("c4"), Samples.User("c4", "alice"), "requested", Token);
        var legacy1 = await AppendFormatOneAsync(scope, 1, [new StreamHead(entry.StreamId, 1, entry.Hash)]);
        var second = await scope.Ledger.AppendAsync(AuditStreams.Run("c4"), Samples.Dataset(), Samples.Worker("c4"), "dataset", Token);
        var legacy2 = await AppendFormatOneAsync(scope, 2, [new StreamHead(entry.StreamId, 2, second.Hash)]);

        var (chained, _) = await scope.Checkpoints.TakeAsync(Token);
        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        chained.Number.ShouldBe(3);
        chained.Previous.ShouldBe(new CheckpointLink(2, legacy2.Digest));
        legacy1.Number.ShouldBe(1);
        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
        report.CheckpointsChecked.ShouldBe(3);
        (await scope.Anchors.ReadAllAsync(Token)).Select(a => a.Number).ShouldBe([3L]);
    }

    [Fact]
    public async Task Verify_FormatOneCheckpointDeletedBeforeTheChainedOne_NamesTheBrokenLink()
    {
        await using var scope = await fixture.NewScopeAsync();
        var entry = await scope.Ledger.AppendAsync(AuditStreams.Run("c5"), Samples.Requested("c5"), Samples.User("c5", "alice"), "requested", Token);
        await AppendFormatOneAsync(scope, 1, [new StreamHead(entry.StreamId, 1, entry.Hash)]);
        await AppendFormatOneAsync(scope, 2, [new StreamHead(entry.StreamId, 1, entry.Hash)]);
        await scope.Checkpoints.TakeAsync(Token);
        // Format-1 checkpoints have no copies outside: only the chain can tell that checkpoint 2 is gone.
        await scope.TamperAsync("DELETE FROM ledger.mt_events WHERE stream_id = $1 AND version = 2", AuditStreams.Checkpoints);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        report.Failures.ShouldContain(f => f.Kind == FailureKind.VersionGap && f.StreamId == AuditStreams.Checkpoints && f.Version == 3, string.Join("; ", report.Failures));
        report.Failures.ShouldContain(f => f.Kind == FailureKind.CheckpointChainBroken && f.Version == 3 && f.Message.Contains("names checkpoint 2", StringComparison.Ordinal));
    }

    /// <summary>A checkpoint as this ledger wrote them before chaining (format 1, no copy outside the database).</summary>
    private async Task<CheckpointSigned> AppendFormatOneAsync(LedgerScope scope, long number, IReadOnlyList<StreamHead> heads)
    {
        var takenAt = Audit.Canonical.CanonicalEntry.ToStoredPrecision(DateTimeOffset.UtcNow);
        var body = CheckpointBody.Bytes(number, takenAt, heads);
        var checkpoint = new CheckpointSigned(number, takenAt, heads, CheckpointBody.Digest(body), CheckpointSigner.Algorithm, fixture.Signer.KeyId, fixture.Signer.Sign(body));
        var context = new AuditContext(Actor.Service("audit-ledger", "legacy"), new Correlation("audit-checkpoints", "-"), null, []);
        await scope.Ledger.AppendAsync(AuditStreams.Checkpoints, checkpoint, context, $"checkpoint-{number}", Token);
        return checkpoint;
    }

    // The real store, except that the first look for copy N lets another writer take checkpoint N first.
    private sealed class RacingAnchors(ICheckpointAnchorStore inner, long racedNumber, Func<Task> otherWriter) : ICheckpointAnchorStore
    {
        public bool Raced { get; private set; }

        public string Location => inner.Location;

        public Task<bool> WriteAsync(long number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(number, content, cancellationToken);

        public async Task<CheckpointAnchor?> ReadAsync(long number, CancellationToken cancellationToken = default)
        {
            if (number == racedNumber && !Raced)
            {
                Raced = true;
                await otherWriter();
            }

            return await inner.ReadAsync(number, cancellationToken);
        }

        public Task<IReadOnlyList<CheckpointAnchor>> ReadAllAsync(CancellationToken cancellationToken = default) => inner.ReadAllAsync(cancellationToken);
    }
}
