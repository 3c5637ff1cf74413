using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>Every tamper case, done as a superuser with the triggers off, is detected and pinpointed.</summary>
public sealed partial class TamperTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private CheckpointSigner Signer => fixture.Signer;

    [Fact]
    public async Task Verify_UntouchedStream_IsValid()
    {
        var stream = await WriteRunAsync();

        var report = await Verifier.VerifyStreamAsync(stream, Signer.PublicKeyPem, Token);

        report.IsValid.ShouldBeTrue(string.Join("; ", report.Failures));
        report.EventsChecked.ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task Verify_PayloadChanged_NamesContentMismatchAtThatVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("UPDATE audit.mt_events SET data = jsonb_set(data, '{ItemCount}', '999') WHERE stream_id = $1 AND version = 2", stream);

        await ExpectFirstAsync(stream, FailureKind.ContentMismatch, 2);
    }

    [Fact]
    public async Task Verify_TimestampChanged_NamesTimestampMismatchAtThatVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("UPDATE audit.mt_events SET timestamp = timestamp - interval '1 day' WHERE stream_id = $1 AND version = 3", stream);

        await ExpectFirstAsync(stream, FailureKind.TimestampMismatch, 3);
    }

    [Fact]
    public async Task Verify_HashedRecordingTimeChanged_NamesContentMismatch()
    {
        var stream = await WriteRunAsync();
        await TamperAsync(
            "UPDATE audit.mt_events SET headers = jsonb_set(headers, '{recordedAt}', '\"2020-01-01T00:00:00.000000Z\"'), "
            + "timestamp = '2020-01-01T00:00:00Z' WHERE stream_id = $1 AND version = 4", stream);

        await ExpectFirstAsync(stream, FailureKind.ContentMismatch, 4);
    }

    [Fact]
    public async Task Verify_TwoEntriesSwapped_NamesBrokenLinkAtTheFirstSwappedVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync(
            "UPDATE audit.mt_events SET version = -2 WHERE stream_id = $1 AND version = 2; "
            + "UPDATE audit.mt_events SET version = 2 WHERE stream_id = $1 AND version = 3; "
            + "UPDATE audit.mt_events SET version = 3 WHERE stream_id = $1 AND version = -2;", stream);

        await ExpectFirstAsync(stream, FailureKind.BrokenLink, 2);
    }

    [Fact]
    public async Task Verify_MiddleEntryDeleted_NamesVersionGap()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("DELETE FROM audit.mt_events WHERE stream_id = $1 AND version = 3", stream);

        await ExpectFirstAsync(stream, FailureKind.VersionGap, 4);
    }

    [Fact]
    public async Task Verify_MiddleEntryDeletedAndRenumbered_NamesBrokenLink()
    {
        var stream = await WriteRunAsync();
        await TamperAsync(
            "DELETE FROM audit.mt_events WHERE stream_id = $1 AND version = 3; "
            + "UPDATE audit.mt_events SET version = version - 1 WHERE stream_id = $1 AND version > 3; "
            + "UPDATE audit.mt_streams SET version = version - 1 WHERE id = $1;", stream);

        await ExpectFirstAsync(stream, FailureKind.BrokenLink, 3);
    }

    [Fact]
    public async Task Verify_LastEntryDeleted_NamesTruncation()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("DELETE FROM audit.mt_events WHERE stream_id = $1 AND version = 5", stream);

        await ExpectFirstAsync(stream, FailureKind.StreamTruncated, 5);
    }

    [Fact]
    public async Task Verify_LastEntryDeletedAndStreamTableFixed_CheckpointNamesTruncation()
    {
        var stream = await WriteRunAsync();
        await Checkpoints.TakeAsync(Token);
        await TamperAsync("DELETE FROM audit.mt_events WHERE stream_id = $1 AND version = 5; UPDATE audit.mt_streams SET version = 4 WHERE id = $1", stream);

        await ExpectFirstAsync(stream, FailureKind.StreamTruncated, 5);
    }

    [Fact]
    public async Task Verify_ForgedEntryInsertedWithValidHash_NamesTheInsertedVersion()
    {
        var stream = await WriteRunAsync();
        var second = (await fixture.NewLedger().ReadStreamAsync(stream, 2, 1, Token))[0];
        // A forger who knows the algorithm: shift versions 3.. up and insert a correctly hashed entry at 3.
        var recordedAt = CanonicalEntry.FormatTime(second.RecordedAt.AddSeconds(1));
        const string data = """{"Epoch":99,"TrainLoss":0.01,"ValidationLoss":0.01,"ValidationAccuracy":0.99,"CheckpointDigest":"x"}""";
        const string context = """{"Actor":{"Kind":"Service","Id":"x","Roles":[],"Worker":"w"},"Correlation":{"WorkflowId":"w","RunId":"r"},"CausationId":null,"Evidence":[]}""";
        var hash = CanonicalEntry.Hash(second.Hash, new EntryFields(stream, 3, "training_epoch_completed", recordedAt, "forged", System.Text.Encoding.UTF8.GetBytes(context), System.Text.Encoding.UTF8.GetBytes(data)));
        await TamperAsync(
            "UPDATE audit.mt_events SET version = version + 1000 WHERE stream_id = $1 AND version >= 3; "
            + "UPDATE audit.mt_events SET version = version - 999 WHERE stream_id = $1 AND version > 1000; "
            + "INSERT INTO audit.mt_events (seq_id, id, stream_id, version, data, type, timestamp, headers, mt_dotnet_type) "
            + "VALUES (nextval('audit.mt_events_sequence'), gen_random_uuid(), $1, 3, $2::jsonb, 'training_epoch_completed', $3::timestamptz, "
            + "jsonb_build_object('spec', 1, 'key', 'forged', 'recordedAt', $3, 'context', $4::jsonb, 'prev', $5, 'hash', $6), 'x'); "
            + "UPDATE audit.mt_streams SET version = version + 1 WHERE id = $1;",
            stream, data, recordedAt, context, second.Hash, hash);

        await ExpectFirstAsync(stream, FailureKind.InsertedEvent, 3);
    }

    [Fact]
    public async Task Verify_WholeChainRecomputedAfterEdit_SignedCheckpointNamesTheRewrittenHead()
    {
        var stream = await WriteRunAsync();
        await Checkpoints.TakeAsync(Token);
        // The forger edits version 2 and recomputes every hash after it: the chain alone is consistent again.
        var rows = await new EntryRows(fixture.Database).StreamAsync(stream, 1, 100, null, Token);
        var previous = rows[0].Hash!;
        var sql = new System.Text.StringBuilder();
        var parameters = new List<object> { stream };
        foreach (var row in rows.Skip(1))
        {
            var edited = row.Version == 2 ? row with { DataJson = row.DataJson.Replace("1200", "1300", StringComparison.Ordinal) } : row with { Previous = previous };
            edited = edited with { Previous = previous };
            var hash = edited.ComputeHash(previous);
            parameters.Add(edited.DataJson);
            parameters.Add(previous);
            parameters.Add(hash);
            var n = parameters.Count;
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE audit.mt_events SET data = ${n - 2}::jsonb, headers = headers || jsonb_build_object('prev', ${n - 1}::text, 'hash', ${n}::text) WHERE stream_id = $1 AND version = {row.Version}; ");
            previous = hash;
        }

        await TamperAsync(sql.ToString(), [.. parameters]);

        var report = await Verifier.VerifyStreamAsync(stream, Signer.PublicKeyPem, Token);
        var first = report.Failures.FirstOrDefault(f => f.StreamId == stream).ShouldNotBeNull(string.Join("; ", report.Failures));
        first.Kind.ShouldBe(FailureKind.CheckpointHeadMismatch);
        first.Version.ShouldBe(5);
    }

    private LedgerVerifier Verifier => fixture.NewVerifier();

    private CheckpointWriter Checkpoints => fixture.NewCheckpointWriter();

    private async Task<string> WriteRunAsync()
    {
        var runId = $"r-{Guid.NewGuid():N}";
        var stream = AuditStreams.Run(runId);
        var ledger = fixture.NewLedger();
        await ledger.AppendAsync(stream, Samples.Requested(runId), Samples.User(runId, "alice", "ml-engineer"), "requested", Token);
        await ledger.AppendAsync(stream, Samples.Dataset(), Samples.Worker(runId), "dataset", Token);
        for (var epoch = 1; epoch <= 3; epoch++)
        {
            await ledger.AppendAsync(stream, Samples.Epoch(epoch), Samples.Worker(runId), $"epoch-{epoch}", Token);
        }

        return stream;
    }

    private Task TamperAsync(string sql, params object[] parameters) => Superuser.ExecuteAsync(fixture.Postgres.ConnectionString, sql, parameters);

    private async Task ExpectFirstAsync(string stream, FailureKind kind, long version)
    {
        var report = await Verifier.VerifyStreamAsync(stream, Signer.PublicKeyPem, Token);
        var first = report.Failures.FirstOrDefault(f => f.StreamId == stream).ShouldNotBeNull(string.Join("; ", report.Failures));
        first.Kind.ShouldBe(kind, first.ToString());
        first.StreamId.ShouldBe(stream);
        first.Version.ShouldBe(version, first.ToString());
    }
}
