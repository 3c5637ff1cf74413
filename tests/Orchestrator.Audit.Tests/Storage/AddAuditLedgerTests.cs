using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests.Storage;

public sealed class AddAuditLedgerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _keyPath = Path.Combine(Path.GetTempPath(), $"audit-di-key-{Guid.NewGuid():N}.pem");

    [Fact]
    public async Task AddAuditLedger_ValidOptions_ResolvesALedgerThatAppends()
    {
        await using var provider = new ServiceCollection().AddLogging().AddAuditLedger(o =>
        {
            o.ConnectionString = database.ConnectionString;
            o.CheckpointSigningKeyPath = _keyPath;
            o.GenerateDevelopmentKey = true;
            o.InstallSchema = true;
        }).BuildServiceProvider();

        var entry = await provider.GetRequiredService<IAuditLedger>().AppendAsync(
            AuditStreams.Run("di"), Samples.Requested("di"), Samples.User("di", "alice"), "requested", TestContext.Current.CancellationToken);

        var (checkpoint, _) = await provider.GetRequiredService<CheckpointWriter>().TakeAsync(TestContext.Current.CancellationToken);

        entry.Version.ShouldBe(1);
        checkpoint.Heads.ShouldContain(h => h.Hash == entry.Hash);
        File.Exists(_keyPath).ShouldBeTrue();
    }

    [Fact]
    public void AddAuditLedger_MissingSettings_FailsNamingThem()
    {
        using var provider = new ServiceCollection().AddLogging().AddAuditLedger(_ => { }).BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditLedgerOptions>>().Value);

        error.Message.ShouldContain("Orchestrator:Audit:ConnectionString");
        error.Message.ShouldContain("Orchestrator:Audit:CheckpointSigningKeyPath");
    }

    public void Dispose() => File.Delete(_keyPath);
}
