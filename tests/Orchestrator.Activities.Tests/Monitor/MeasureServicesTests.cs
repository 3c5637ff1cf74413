using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Activities.Hosting;
using Orchestrator.Activities.Monitor;
using Orchestrator.Testing;

namespace Orchestrator.Activities.Tests.Monitor;

public sealed class MeasureServicesTests(PostgresDatabase database, BlobContainer container) : IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"measure-services-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task AddOrchestratorActivities_WorkerContainer_ConstructsMeasureActivitiesWithOneCache()
    {
        Directory.CreateDirectory(_directory);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Blob:ConnectionString"] = container.ConnectionString,
            ["Orchestrator:Blob:Container"] = container.Name,
            ["Orchestrator:Postgres:ConnectionString"] = database.ConnectionString,
            ["Orchestrator:Audit:Schema"] = "audit_measure_services",
            ["Orchestrator:Audit:InstallSchema"] = "true",
            ["Orchestrator:Audit:CheckpointSigningKeyPath"] = Path.Combine(_directory, "checkpoint.pem"),
            ["Orchestrator:Audit:GenerateDevelopmentKey"] = "true",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddOrchestratorActivities(configuration).BuildServiceProvider();

        await using (var scope = provider.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<MeasureActivities>().ShouldNotBeNull();
        }

        provider.GetRequiredService<MeasureReferenceCache>().ShouldBeSameAs(provider.GetRequiredService<MeasureReferenceCache>());
    }
}
