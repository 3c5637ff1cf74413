using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>
/// Header tampering (the other part holds the shared helpers). Tampering with the headers column, which database verification parses client-side from the jsonb bytes
/// (the chain fields and the audit context), is detected and pinpointed like any other edit.
/// </summary>
public sealed partial class TamperTests
{
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
}
