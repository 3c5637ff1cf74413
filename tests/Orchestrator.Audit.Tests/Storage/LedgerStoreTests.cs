using Marten;
using Orchestrator.Audit.Storage;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests.Storage;

public sealed class LedgerStoreTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private sealed record Sampled(string What, int Count);

    [Fact]
    public async Task AppendAndFetch_RealPostgres_ReadsBackWhatWasWritten()
    {
        await using var store = LedgerStore.Create(database.ConnectionString);
        var streamId = $"run-{Guid.NewGuid():N}";

        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(streamId, new Sampled("first", 1), new Sampled("second", 2));
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await using var query = store.QuerySession();
        var events = await query.Events.FetchStreamAsync(streamId, token: TestContext.Current.CancellationToken);

        events.Select(e => e.Data).ShouldBe([new Sampled("first", 1), new Sampled("second", 2)]);
        events.Select(e => e.Version).ShouldBe([1L, 2L]);
    }
}
