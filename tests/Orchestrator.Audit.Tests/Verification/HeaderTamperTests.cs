using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>
/// Tampering with the headers column, which database verification parses client-side from the jsonb bytes
/// (the chain fields and the audit context), is detected and pinpointed like any other edit.
/// </summary>
public sealed class HeaderTamperTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private CheckpointSigner Signer => fixture.Signer;

    [Fact]
    public async Task Verify_ContextActorChanged_NamesContentMismatchAtThatVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("UPDATE audit.mt_events SET headers = jsonb_set(headers, '{context,Actor,Id}', '\"mallory\"') WHERE stream_id = $1 AND version = 2", stream);

        await ExpectFirstAsync(stream, FailureKind.ContentMismatch, 2);
    }

    [Fact]
    public async Task Verify_ContextRemoved_NamesMissingChainAtThatVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("UPDATE audit.mt_events SET headers = headers - 'context' WHERE stream_id = $1 AND version = 3", stream);

        await ExpectFirstAsync(stream, FailureKind.MissingChain, 3);
    }

    [Fact]
    public async Task Verify_HashReplacedByNumber_NamesMissingChainAtThatVersion()
    {
        var stream = await WriteRunAsync();
        await TamperAsync("UPDATE audit.mt_events SET headers = jsonb_set(headers, '{hash}', '42') WHERE stream_id = $1 AND version = 2", stream);

        await ExpectFirstAsync(stream, FailureKind.MissingChain, 2);
    }

    private async Task<string> WriteRunAsync()
    {
        var runId = $"r-{Guid.NewGuid():N}";
        var stream = AuditStreams.Run(runId);
        var ledger = fixture.NewLedger();
        await ledger.AppendAsync(stream, Samples.Requested(runId), Samples.User(runId, "alice", "ml-engineer"), "requested", Token);
        await ledger.AppendAsync(stream, Samples.Dataset(), Samples.Worker(runId), "dataset", Token);
        await ledger.AppendAsync(stream, Samples.Epoch(1), Samples.Worker(runId), "epoch-1", Token);
        return stream;
    }

    private Task TamperAsync(string sql, params object[] parameters) => Superuser.ExecuteAsync(fixture.Postgres.ConnectionString, sql, parameters);

    private async Task ExpectFirstAsync(string stream, FailureKind kind, long version)
    {
        var report = await new LedgerVerifier(fixture.Database).VerifyStreamAsync(stream, Signer.PublicKeyPem, Token);
        var first = report.Failures.FirstOrDefault(f => f.StreamId == stream).ShouldNotBeNull(string.Join("; ", report.Failures));
        first.Kind.ShouldBe(kind, first.ToString());
        first.Version.ShouldBe(version, first.ToString());
    }
}
