using Temporalio.Client;
using Temporalio.Testing;
using Xunit;

namespace Orchestrator.Testing.Temporal;

/// <summary>
/// A Temporal endpoint for a test class, through Temporal's standard testing API. Where TEMPORAL_ADDRESS names
/// a server (a real Temporal or a running embedded server) the tests use it; otherwise the embedded
/// Temporal-protocol server is launched the way the SDK launches a downloaded one, through
/// <see cref="DevServerOptions.ExistingPath"/> (or <see cref="TestServerOptions.ExistingPath"/> with time skipping),
/// with a start-up deadline of two minutes rather than the SDK's five seconds; the test classes of a process share it
/// (see <see cref="EmbeddedServers"/>). Use as an xunit class fixture; every test should use its own task queue and
/// workflow ids.
/// </summary>
public class TemporalEnvironment : IAsyncLifetime
{
    /// <summary>File name of the embedded server's executable, copied next to the tests by the project reference.</summary>
    public const string ServerExecutable = "orchestrator-temporal-server";

    private WorkflowEnvironment? environment;

    /// <summary>True when this environment skips time (only the embedded server in test-server mode can).</summary>
    public bool SupportsTimeSkipping { get; private set; }

    /// <summary>True when the tests run against the embedded server this fixture launched.</summary>
    public bool IsEmbedded { get; private set; }

    public WorkflowEnvironment Environment => environment ?? throw new InvalidOperationException("the Temporal environment is not started");

    public ITemporalClient Client => Environment.Client;

    /// <summary>Whether this fixture asks for a time-skipping server.</summary>
    protected virtual bool TimeSkipping => false;

    /// <summary>Path of the embedded server's executable next to the test assembly.</summary>
    public static string ServerPath => Path.Combine(AppContext.BaseDirectory, ServerExecutable);

    public async ValueTask InitializeAsync()
    {
        if (TestServers.TemporalAddress is { } address)
        {
            var client = await TemporalClient.ConnectAsync(new TemporalClientConnectOptions(address) { Namespace = "default" }).ConfigureAwait(false);
            environment = new WorkflowEnvironment(client);
            return;
        }

        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException($"{TestServers.TemporalVariable} is not set and the embedded server is missing at {ServerPath}; "
                + "reference infra/Orchestrator.TemporalServer from the test project.");
        }

        IsEmbedded = true;
        SupportsTimeSkipping = TimeSkipping;
        environment = await EmbeddedServers.AcquireAsync(ServerPath, TimeSkipping).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (environment is not null)
        {
            if (IsEmbedded)
            {
                await EmbeddedServers.ReleaseAsync(TimeSkipping).ConfigureAwait(false);
            }
            else
            {
                await environment.ShutdownAsync().ConfigureAwait(false);
            }

            environment = null;
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A <see cref="TemporalEnvironment"/> that skips time when nothing is running (the SDK's test-server mode).</summary>
public sealed class TimeSkippingTemporalEnvironment : TemporalEnvironment
{
    protected override bool TimeSkipping => true;
}
