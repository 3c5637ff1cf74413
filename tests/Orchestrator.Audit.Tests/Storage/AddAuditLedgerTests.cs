using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Audit.Verification;
using Orchestrator.Testing;

namespace Orchestrator.Audit.Tests.Storage;

public sealed class AddAuditLedgerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string _keyPath = Path.Combine(Path.GetTempPath(), $"audit-di-key-{Guid.NewGuid():N}.pem");
    private readonly string _container = $"anchors-{Guid.NewGuid():N}";

    [Fact]
    public async Task AddAuditLedger_ValidOptions_ResolvesALedgerThatAppendsCheckpointsAndCopiesThem()
    {
        var blob = await TestServers.BlobAsync();
        await using var provider = new ServiceCollection().AddLogging().AddAuditLedger(o =>
        {
            o.ConnectionString = database.ConnectionString;
            o.CheckpointSigningKeyPath = _keyPath;
            o.GenerateDevelopmentKey = true;
            o.InstallSchema = true;
            o.Anchors.ConnectionString = blob;
            o.Anchors.Container = _container;
        }).BuildServiceProvider();

        var entry = await provider.GetRequiredService<IAuditLedger>().AppendAsync(
            AuditStreams.Run("di"), Samples.Requested("di"), Samples.User("di", "alice"), "requested", TestContext.Current.CancellationToken);

        var (checkpoint, _) = await provider.GetRequiredService<CheckpointWriter>().TakeAsync(TestContext.Current.CancellationToken);
        var report = await provider.GetRequiredService<LedgerVerifier>().VerifyAsync(provider.GetRequiredService<CheckpointSigner>().PublicKeyPem, TestContext.Current.CancellationToken);

        entry.Version.ShouldBe(1);
        checkpoint.Heads.ShouldContain(h => h.Hash == entry.Hash);
        File.Exists(_keyPath).ShouldBeTrue();
        var anchors = provider.GetRequiredService<ICheckpointAnchorStore>();
        anchors.Location.ShouldEndWith($"/{_container}/{database.Name}/audit/");
        (await anchors.ReadAsync(checkpoint.Number, TestContext.Current.CancellationToken)).ShouldNotBeNull();
        report.State.ShouldBe(VerificationState.Verified, string.Join("; ", report.Failures));
        await new Azure.Storage.Blobs.BlobContainerClient(blob, _container).DeleteIfExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public void AddAuditLedger_MissingSettings_FailsNamingThem()
    {
        using var provider = new ServiceCollection().AddLogging().AddAuditLedger(o => o.Anchors.Container = "Not_A_Container").BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AuditLedgerOptions>>().Value);

        error.Message.ShouldContain("Orchestrator:Audit:ConnectionString");
        error.Message.ShouldContain("Orchestrator:Audit:CheckpointSigningKeyPath");
        error.Message.ShouldContain("Orchestrator:Audit:Anchors:ConnectionString");
        error.Message.ShouldContain("Orchestrator:Audit:Anchors:Container 'Not_A_Container'");
    }

    public void Dispose() => File.Delete(_keyPath);
}
