using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.PostgreSql;

namespace Orchestrator.Testing;

/// <summary>
/// Where the tests find their servers. Settings from the environment (as ./test.sh exports them) win;
/// otherwise, where a Docker engine answers, Testcontainers starts one container per server for the
/// test process; otherwise the first test that needs a server fails with one line saying what to run.
/// </summary>
public static class TestServers
{
    /// <summary>Superuser connection string of a PostgreSQL server; each test class gets its own database on it.</summary>
    public const string PostgresVariable = "ORCHESTRATOR_TEST_POSTGRES";

    /// <summary>Connection string of an Azure Blob Storage account (Azurite); each test class gets its own container.</summary>
    public const string BlobVariable = "ORCHESTRATOR_TEST_BLOB";

    /// <summary>host:port of a Temporal frontend (a real cluster or the embedded server).</summary>
    public const string TemporalVariable = "TEMPORAL_ADDRESS";

    private const string Hint = "run the tests with ./test.sh (it starts PostgreSQL and Azurite on 127.0.0.1), "
        + "or start them with 'source <(infra/servers.sh start postgres azurite)', or start a Docker engine for Testcontainers";

    private static readonly Lazy<Task<string>> Postgres = new(() => Resolve(PostgresVariable, StartPostgresContainerAsync));
    private static readonly Lazy<Task<string>> Blob = new(() => Resolve(BlobVariable, StartAzuriteContainerAsync));

    public static Task<string> PostgresAsync() => Postgres.Value;

    public static Task<string> BlobAsync() => Blob.Value;

    /// <summary>The configured Temporal address, or null where none is configured.</summary>
    public static string? TemporalAddress => Environment.GetEnvironmentVariable(TemporalVariable) is { Length: > 0 } a ? a : null;

    private static async Task<string> Resolve(string variable, Func<Task<string>> startContainer)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return configured;
        }

        if (!DockerAvailable())
        {
            throw new InvalidOperationException($"{variable} is not set and no Docker engine is running: {Hint}.");
        }

        return await startContainer().ConfigureAwait(false);
    }

    private static bool DockerAvailable() =>
        File.Exists("/var/run/docker.sock") || Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 };

    private static async Task<string> StartPostgresContainerAsync()
    {
        var container = new PostgreSqlBuilder("postgres:15").Build();
        await container.StartAsync().ConfigureAwait(false);
        return container.GetConnectionString();
    }

    private static async Task<string> StartAzuriteContainerAsync()
    {
        const int port = 10000;
        IContainer container = new ContainerBuilder("mcr.microsoft.com/azure-storage/azurite:3.35.0")
            .WithCommand("azurite-blob", "--blobHost", "0.0.0.0", "--skipApiVersionCheck", "--disableTelemetry")
            .WithPortBinding(port, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilInternalTcpPortIsAvailable(port))
            .Build();
        await container.StartAsync().ConfigureAwait(false);
        return AzuriteConnectionString($"http://{container.Hostname}:{container.GetMappedPublicPort(port)}");
    }

    /// <summary>The connection string of Azurite's well-known development account at a blob endpoint.</summary>
    public static string AzuriteConnectionString(string blobEndpoint) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"BlobEndpoint={blobEndpoint}/devstoreaccount1;";
}
