using System.Text.Json;
using Marten;
using Npgsql;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Audit.Tests.Ledger;

/// <summary>The ledger writes the inline read models itself, in the append's batch: they must be the documents Marten's projections produce, and commit or roll back with the event.</summary>
public sealed class ReadModelWriteTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_ReadModels_EqualMartensOwnAggregationOfTheStream()
    {
        var ledger = fixture.NewLedger();
        var run = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        var model = AuditStreams.Model($"m-{Guid.NewGuid():N}");
        await ledger.AppendAsync(run, Samples.Requested("r1"), Samples.User("r1", "alice", "ml-engineer"), "requested", Token);
        await ledger.AppendAsync(run, new RunStarted("pipeline-r1", "default"), Samples.Worker("r1"), "started", Token);
        await ledger.AppendAsync(run, Samples.Dataset(), Samples.Worker("r1"), "dataset", Token);
        var signed = await ledger.AppendAsync(run, new ApprovalSigned("bob", ["approver"], ApprovalDecision.Approve, "ok", new string('f', 64)),
            Samples.User("r1", "bob", "approver"), "signed", Token);
        await ledger.AppendAsync(model, Samples.Exported(1, "r1"), Samples.Worker("r1"), "exported", Token);
        await ledger.AppendAsync(model, new ModelPromoted(1, "production"), Samples.Worker("r1"), "promoted", Token);

        await using var session = fixture.Database.Store.QuerySession();
        // Marten folds the stored events through the registered projections (headers as JSON, versions from the rows).
        var martenRun = await session.Events.AggregateStreamAsync<RunSummary>(run, token: Token);
        var martenModel = await session.Events.AggregateStreamAsync<ModelRegistryEntry>(model, token: Token);
        var readModels = new AuditReadModels(fixture.Database);
        var storedRun = await readModels.RunAsync(run, Token);
        var storedModel = await readModels.ModelAsync(model, Token);

        Json(storedRun).ShouldBe(Json(martenRun));
        Json(storedModel).ShouldBe(Json(martenModel));
        storedRun.ShouldNotBeNull().Approvals.Single().Entry.ShouldBe(signed.Reference);
        (await RowAsync(fixture.Database.Table("mt_doc_runsummary"), run)).ShouldBe((4L, typeof(RunSummary).FullName));
        (await RowAsync(fixture.Database.Table("mt_doc_modelregistryentry"), model)).ShouldBe((2L, typeof(ModelRegistryEntry).FullName));
    }

    [Fact]
    public async Task AppendAsync_AnotherProcessAppendedMeanwhile_FoldsFromTheRealHead()
    {
        var run = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        var first = fixture.NewLedger();
        var other = fixture.NewLedger();
        await first.AppendAsync(run, Samples.Requested("r1"), Samples.User("r1", "alice", "ml-engineer"), "requested", Token);
        await other.AppendAsync(run, Samples.Dataset(), Samples.Worker("r1"), "dataset", Token);

        // `first` still caches the head and summary of version 1: the chain guard refuses, it re-reads both.
        var completed = await first.AppendAsync(run, new RunCompleted("defects", 1, "deployed"), Samples.Worker("r1"), "completed", Token);

        completed.Version.ShouldBe(3);
        var summary = (await new AuditReadModels(fixture.Database).RunAsync(run, Token)).ShouldNotBeNull();
        summary.StreamVersion.ShouldBe(3);
        summary.RequestedBy.ShouldBe("alice");
        summary.DatasetDigest.ShouldBe(new string('d', 64));
        summary.Status.ShouldBe(RunStatus.Completed);
    }

    [Fact]
    public async Task AppendAsync_ReadModelWriteFails_KeepsNeitherEventNorStream()
    {
        var run = AuditStreams.Run($"r-{Guid.NewGuid():N}");
        await ExecuteAsync($"""
            CREATE FUNCTION audit.test_refuse_summary() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'summary refused' USING ERRCODE = 'XX123'; END $$;
            CREATE TRIGGER test_refuse_summary BEFORE INSERT OR UPDATE ON audit.mt_doc_runsummary
              FOR EACH ROW WHEN (NEW.id = '{run}') EXECUTE FUNCTION audit.test_refuse_summary();
            """);
        try
        {
            var refused = await Should.ThrowAsync<PostgresException>(
                () => fixture.NewLedger().AppendAsync(run, Samples.Requested("r1"), Samples.User("r1", "alice"), "requested", Token));
            refused.SqlState.ShouldBe("XX123");
            (await fixture.NewLedger().ReadStreamAsync(run, cancellationToken: Token)).ShouldBeEmpty();
            await using var session = fixture.Database.Store.QuerySession();
            (await session.Events.FetchStreamStateAsync(run, Token)).ShouldBeNull();
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER test_refuse_summary ON audit.mt_doc_runsummary; DROP FUNCTION audit.test_refuse_summary();");
        }

        (await fixture.NewLedger().AppendAsync(run, Samples.Requested("r1"), Samples.User("r1", "alice"), "requested", Token)).Version.ShouldBe(1);
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value, LedgerJson.Options);

    private async Task<(long Version, string? Type)> RowAsync(string table, string id)
    {
        await using var command = fixture.Database.DataSource.CreateCommand($"SELECT mt_version, mt_dotnet_type FROM {table} WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(Token);
        (await reader.ReadAsync(Token)).ShouldBeTrue();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = fixture.Database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Token);
    }
}
