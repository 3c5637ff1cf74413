using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Tests.Verification;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Checkpoints;

public sealed class CheckpointTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TakeAsync_TwoStreams_RecordsEveryHeadSignedAndChainsCheckpoints()
    {
        var ledger = fixture.NewLedger();
        var run = await ledger.AppendAsync(AuditStreams.Run("c1"), Samples.Requested("c1"), Samples.User("c1", "alice"), "requested", Token);
        var model = await ledger.AppendAsync(AuditStreams.Model("defects"), Samples.Exported(1, "c1"), Samples.Worker("c1"), "exported-1", Token);

        var (first, firstEntry) = await fixture.NewCheckpointWriter().TakeAsync(Token);
        var (second, _) = await fixture.NewCheckpointWriter().TakeAsync(Token);

        second.Number.ShouldBe(first.Number + 1);
        first.Heads.ShouldContain(h => h.StreamId == run.StreamId && h.Version == 1 && h.Hash == run.Hash);
        first.Heads.ShouldContain(h => h.StreamId == model.StreamId && h.Hash == model.Hash);
        first.Heads.ShouldNotContain(h => h.StreamId == AuditStreams.Checkpoints);
        var body = CheckpointBody.Bytes(first.Number, first.TakenAt, first.Heads);
        using var publicKey = CheckpointSigner.ImportPublicKey(fixture.Signer.PublicKeyPem);
        CheckpointSigner.Verify(body, first.Signature, publicKey).ShouldBeTrue();
        firstEntry.StreamId.ShouldBe(AuditStreams.Checkpoints);
        (await new LedgerVerifier(fixture.Database).VerifyAsync(fixture.Signer.PublicKeyPem, Token)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Verify_WithAnotherPublicKey_NamesSignatureInvalid()
    {
        await fixture.NewLedger().AppendAsync(AuditStreams.Run("c2"), Samples.Requested("c2"), Samples.User("c2", "alice"), "requested", Token);
        await fixture.NewCheckpointWriter().TakeAsync(Token);
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var report = await new LedgerVerifier(fixture.Database).VerifyAsync(other.ExportSubjectPublicKeyInfoPem(), Token);

        report.FirstFailure.ShouldNotBeNull().Kind.ShouldBe(FailureKind.CheckpointSignatureInvalid);
        report.FirstFailure.StreamId.ShouldBe(AuditStreams.Checkpoints);
    }
}

/// <summary>Tampering with the checkpoint stream itself; its own database, since it breaks every later verification.</summary>
public sealed class CheckpointTamperTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task Verify_CheckpointHeadsEditedAndChainRecomputed_NamesDigestMismatch()
    {
        var token = TestContext.Current.CancellationToken;
        await fixture.NewLedger().AppendAsync(AuditStreams.Run("t1"), Samples.Requested("t1"), Samples.User("t1", "alice"), "requested", token);
        var (_, entry) = await fixture.NewCheckpointWriter().TakeAsync(token);
        // Edit a recorded head, then re-hash the entry so that only the digest and signature can tell.
        await Superuser.ExecuteAsync(fixture.Postgres.ConnectionString,
            "UPDATE audit.mt_events SET data = jsonb_set(data, '{Heads,0,Hash}', to_jsonb(repeat('0', 64))) WHERE stream_id = $1 AND version = $2",
            AuditStreams.Checkpoints, entry.Version);
        var edited = (await new Audit.Ledger.EntryRows(fixture.Database).StreamAsync(AuditStreams.Checkpoints, entry.Version, 1, null, token))[0];
        await Superuser.ExecuteAsync(fixture.Postgres.ConnectionString,
            "UPDATE audit.mt_events SET headers = headers || jsonb_build_object('hash', $1::text) WHERE stream_id = $2 AND version = $3",
            edited.ComputeHash(edited.Previous!), AuditStreams.Checkpoints, entry.Version);

        var report = await new LedgerVerifier(fixture.Database).VerifyAsync(fixture.Signer.PublicKeyPem, token);

        report.FirstFailure.ShouldNotBeNull().Kind.ShouldBe(FailureKind.CheckpointDigestMismatch, report.FirstFailure.ToString());
        report.FirstFailure.Version.ShouldBe(entry.Version);
    }
}
