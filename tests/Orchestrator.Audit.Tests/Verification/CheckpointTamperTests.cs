using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>
/// A database superuser (triggers off) removing or rewriting checkpoints, and changes to their copies outside the
/// database: each is detected and named. Every test has its own ledger (<see cref="LedgerScope"/>), since each
/// breaks the checkpoint stream for good.
/// </summary>
public sealed class CheckpointTamperTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_NewestCheckpointDeleted_NamesItAndNoLaterCheckpointIsTaken()
    {
        await using var scope = await fixture.NewScopeAsync();
        var stream = await WriteAsync(scope, "n1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        await WriteAsync(scope, "n1", 2);
        await scope.Checkpoints.TakeAsync(Token);
        await scope.TamperAsync(
            "DELETE FROM ledger.mt_events WHERE stream_id = $1 AND version = 2; UPDATE ledger.mt_streams SET version = 1 WHERE id = $1", AuditStreams.Checkpoints);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        var missing = report.Failures.ShouldHaveSingleItem(string.Join("; ", report.Failures));
        missing.Kind.ShouldBe(FailureKind.CheckpointMissing);
        missing.StreamId.ShouldBe(AuditStreams.Checkpoints);
        missing.Version.ShouldBe(2);
        missing.Message.ShouldContain("is not in the database: it was deleted");
        var refused = await Should.ThrowAsync<CheckpointAnchorException>(() => scope.Checkpoints.TakeAsync(Token));
        refused.Message.ShouldContain("checkpoint 2 has a copy outside the database");
        (await scope.Verifier().VerifyStreamAsync(stream, scope.PublicKeyPem, Token)).IsValid.ShouldBeFalse();
    }

    [Fact]
    public async Task Verify_AllCheckpointsDeleted_NamesEveryOne()
    {
        await using var scope = await fixture.NewScopeAsync();
        await WriteAsync(scope, "a1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        await WriteAsync(scope, "a1", 2);
        await scope.Checkpoints.TakeAsync(Token);
        await scope.TamperAsync("DELETE FROM ledger.mt_events WHERE stream_id = $1; DELETE FROM ledger.mt_streams WHERE id = $1", AuditStreams.Checkpoints);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        report.CheckpointsChecked.ShouldBe(0);
        report.State.ShouldBe(VerificationState.Failed);
        report.Failures.Where(f => f.Kind == FailureKind.CheckpointMissing).Select(f => f.Version).ShouldBe([1L, 2L], string.Join("; ", report.Failures));
    }

    [Fact]
    public async Task Verify_StreamRewrittenFromAVersionAndLaterCheckpointsDeleted_NamesTheCheckpointsAndTheRewrittenHead()
    {
        await using var scope = await fixture.NewScopeAsync();
        var stream = await WriteAsync(scope, "w1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        await WriteAsync(scope, "w1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        await WriteAsync(scope, "w1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        // The forger edits version 5, recomputes every later hash and deletes the checkpoints that saw versions 6 and 9.
        await RewriteFromAsync(scope, stream, 5);
        await scope.TamperAsync(
            "DELETE FROM ledger.mt_events WHERE stream_id = $1 AND version > 1; UPDATE ledger.mt_streams SET version = 1 WHERE id = $1", AuditStreams.Checkpoints);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        report.Failures.Where(f => f.Kind == FailureKind.CheckpointMissing).Select(f => f.Version).ShouldBe([2L, 3L], string.Join("; ", report.Failures));
        var rewritten = report.Failures.First(f => f.StreamId == stream);
        rewritten.Kind.ShouldBe(FailureKind.CheckpointHeadMismatch, rewritten.ToString());
        rewritten.Version.ShouldBe(6);
    }

    [Fact]
    public async Task Verify_CopyOfOneCheckpointDeletedOutsideTheDatabase_NamesIt()
    {
        await using var scope = await fixture.NewScopeAsync();
        await WriteAsync(scope, "d1", 2);
        for (var i = 0; i < 3; i++)
        {
            await scope.Checkpoints.TakeAsync(Token);
        }

        await scope.Copy(2).DeleteAsync(cancellationToken: Token);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        var missing = report.Failures.ShouldHaveSingleItem(string.Join("; ", report.Failures));
        missing.Kind.ShouldBe(FailureKind.CheckpointCopyMissing);
        missing.Version.ShouldBe(2);
        missing.Message.ShouldContain("has no copy outside the database");
    }

    [Fact]
    public async Task Verify_CopyOutsideTheDatabaseAltered_NamesIt()
    {
        await using var scope = await fixture.NewScopeAsync();
        await WriteAsync(scope, "x1", 2);
        await scope.Checkpoints.TakeAsync(Token);
        await scope.Checkpoints.TakeAsync(Token);
        var copy = JsonNode.Parse((await scope.Copy(1).DownloadContentAsync(Token)).Value.Content.ToString())!;
        copy["Heads"]![0]!["Version"] = 99;
        await scope.Copy(1).UploadAsync(BinaryData.FromString(copy.ToJsonString()), overwrite: true, Token);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        var altered = report.Failures.ShouldHaveSingleItem(string.Join("; ", report.Failures));
        altered.Kind.ShouldBe(FailureKind.CheckpointCopyMismatch);
        altered.Version.ShouldBe(1);
        altered.Message.ShouldContain("was altered");
    }

    [Fact]
    public async Task Verify_CheckpointHeadsEditedAndChainRecomputed_NamesDigestMismatchAndTheDifferingCopy()
    {
        await using var scope = await fixture.NewScopeAsync();
        var stream = await WriteAsync(scope, "h1", 2);
        var (checkpoint, entry) = await scope.Checkpoints.TakeAsync(Token);
        // Edit a recorded head, then re-hash the entry so that only the digest, signature and copy can tell.
        await scope.TamperAsync("UPDATE ledger.mt_events SET data = jsonb_set(data, '{Heads,0,Hash}', to_jsonb(repeat('0', 64))) WHERE stream_id = $1 AND version = $2",
            AuditStreams.Checkpoints, entry.Version);
        var edited = (await new EntryRows(scope.Database).StreamAsync(AuditStreams.Checkpoints, entry.Version, 1, null, Token))[0];
        await scope.TamperAsync("UPDATE ledger.mt_events SET headers = headers || jsonb_build_object('hash', $1::text) WHERE stream_id = $2 AND version = $3",
            edited.ComputeHash(edited.Previous!), AuditStreams.Checkpoints, entry.Version);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        report.FirstFailure.ShouldNotBeNull().Kind.ShouldBe(FailureKind.CheckpointDigestMismatch, report.FirstFailure.ToString());
        report.FirstFailure.Version.ShouldBe(entry.Version);
        report.Failures.ShouldContain(f => f.Kind == FailureKind.CheckpointCopyMismatch && f.Version == checkpoint.Number, string.Join("; ", report.Failures));
        // The copy still pins the real heads: the stream is checked against them, and is intact.
        report.Failures.ShouldNotContain(f => f.StreamId == stream);
    }

    [Fact]
    public async Task Verify_PinnedCheckpointDeletedWithItsCopy_FailsNamingTheDigest()
    {
        await using var scope = await fixture.NewScopeAsync();
        await WriteAsync(scope, "p1", 2);
        await scope.Checkpoints.TakeAsync(Token);
        var (seen, _) = await scope.Checkpoints.TakeAsync(Token);
        var pin = "sha256:" + seen.Digest;
        (await scope.Verifier().VerifyAsync(scope.PublicKeyPem, pin, Token)).State.ShouldBe(VerificationState.Verified);
        // Someone holding both credentials removes the newest checkpoint and its copy: what is left is consistent.
        await scope.TamperAsync("DELETE FROM ledger.mt_events WHERE stream_id = $1 AND version = 2; UPDATE ledger.mt_streams SET version = 1 WHERE id = $1", AuditStreams.Checkpoints);
        await scope.Copy(2).DeleteAsync(cancellationToken: Token);

        var unpinned = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);
        var pinned = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, pin, Token);

        unpinned.State.ShouldBe(VerificationState.Verified, "nothing but the auditor's pin still knows checkpoint 2");
        var failure = pinned.Failures.ShouldHaveSingleItem(string.Join("; ", pinned.Failures));
        failure.Kind.ShouldBe(FailureKind.PinnedCheckpointMissing);
        failure.Message.ShouldContain(seen.Digest);
    }

    [Fact]
    public async Task Verify_EntriesNoCheckpointCoversOlderThanTheInterval_FailNamingTheStream()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        await using var scope = await fixture.NewScopeAsync(clock);
        var stream = await WriteAsync(scope, "t1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        clock.Now = clock.Now.AddMinutes(5);
        await WriteAsync(scope, "t1", 2);

        var young = await scope.Verifier(new ManualClock(clock.Now.AddMinutes(10))).VerifyAsync(scope.PublicKeyPem, Token);
        var old = await scope.Verifier(new ManualClock(clock.Now.AddHours(2))).VerifyAsync(scope.PublicKeyPem, Token);

        young.IsValid.ShouldBeTrue(string.Join("; ", young.Failures));
        young.State.ShouldBe(VerificationState.UnanchoredTail);
        young.UnanchoredTail.ShouldBe(new UnanchoredTail(2, 1, clock.Now));
        young.Headline().ShouldStartWith("UNANCHORED TAIL: ");
        young.Headline().ShouldEndWith("unanchored tail: 2 entries since 2026-12-04T09:05:00.000000Z");
        var stale = old.Failures.ShouldHaveSingleItem(string.Join("; ", old.Failures));
        stale.Kind.ShouldBe(FailureKind.UncoveredEntries);
        stale.StreamId.ShouldBe(stream);
        stale.Version.ShouldBe(4);
        stale.Message.ShouldContain("versions 4..5 (recorded since 2026-12-04T09:05:00.000000Z) are covered by no signed checkpoint");
    }

    [Fact]
    public async Task Verify_TailForgedAfterTheLastCheckpoint_IsUndetectableButNeverPlainVerified()
    {
        await using var scope = await fixture.NewScopeAsync();
        var stream = await WriteAsync(scope, "f1", 3);
        await scope.Checkpoints.TakeAsync(Token);
        await WriteAsync(scope, "f1", 2);
        await RewriteFromAsync(scope, stream, 4);

        var report = await scope.Verifier().VerifyAsync(scope.PublicKeyPem, Token);

        // By design: nothing outside the database has seen versions 4..5 yet, so their forgery cannot be told.
        report.IsValid.ShouldBeTrue(string.Join("; ", report.Failures));
        report.State.ShouldBe(VerificationState.UnanchoredTail);
        report.UnanchoredTail.ShouldNotBeNull().Entries.ShouldBe(2);
    }

    [Fact]
    public async Task VerifyAndTake_CopiesUnreachable_FailNamingTheStoreAndAppendNothing()
    {
        await using var scope = await fixture.NewScopeAsync();
        await WriteAsync(scope, "u1", 1);
        await scope.Checkpoints.TakeAsync(Token);
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        var nowhere = new BlobCheckpointAnchorStore(
            new BlobServiceClient(Testing.TestServers.AzuriteConnectionString("http://127.0.0.1:1"), options).GetBlobContainerClient("audit-checkpoints"), "x");

        var report = await new LedgerVerifier(scope.Database, nowhere, LedgerFixture.TailAllowance, TimeProvider.System).VerifyAsync(scope.PublicKeyPem, Token);
        await Should.ThrowAsync<CheckpointAnchorException>(() => new CheckpointWriter(scope.Database, scope.Ledger, fixture.Signer, nowhere, TimeProvider.System).TakeAsync(Token));

        var failure = report.Failures.ShouldHaveSingleItem(string.Join("; ", report.Failures));
        failure.Kind.ShouldBe(FailureKind.CheckpointCopiesUnavailable);
        failure.Message.ShouldContain("127.0.0.1:1");
        (await new EntryRows(scope.Database).HeadAsync(AuditStreams.Checkpoints, Token)).Version.ShouldBe(1);
    }

    private static async Task<string> WriteAsync(LedgerScope scope, string runId, int entries)
    {
        var stream = AuditStreams.Run(runId);
        var head = await new EntryRows(scope.Database).HeadAsync(stream, Token);
        for (var i = 1; i <= entries; i++)
        {
            var version = head.Version + i;
            await (version == 1
                ? scope.Ledger.AppendAsync(stream, Samples.Requested(runId), Samples.User(runId, "alice", "ml-engineer"), "requested", Token)
                : scope.Ledger.AppendAsync(stream, Samples.Epoch((int)version), Samples.Worker(runId), $"epoch-{version}", Token));
        }

        return stream;
    }

    /// <summary>A forger who knows the algorithm: edits <paramref name="fromVersion"/> and recomputes every later hash, so the chain alone is consistent.</summary>
    private static async Task RewriteFromAsync(LedgerScope scope, string stream, long fromVersion)
    {
        var rows = await new EntryRows(scope.Database).StreamAsync(stream, 1, 1000, null, Token);
        var previous = rows.Single(r => r.Version == fromVersion - 1).Hash!;
        var sql = new System.Text.StringBuilder();
        var parameters = new List<object> { stream };
        foreach (var row in rows.Where(r => r.Version >= fromVersion))
        {
            var edited = row.Version == fromVersion ? row with { DataJson = row.DataJson.Replace("\"Epoch\"", "\"Epoch\":1000,\"X\"", StringComparison.Ordinal) } : row;
            var hash = (edited with { Previous = previous }).ComputeHash(previous);
            parameters.Add(edited.DataJson);
            parameters.Add(previous);
            parameters.Add(hash);
            var n = parameters.Count;
            sql.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"UPDATE ledger.mt_events SET data = ${n - 2}::jsonb, headers = headers || jsonb_build_object('prev', ${n - 1}::text, 'hash', ${n}::text) WHERE stream_id = $1 AND version = {row.Version}; ");
            previous = hash;
        }

        await scope.TamperAsync(sql.ToString(), [.. parameters]);
    }
}
