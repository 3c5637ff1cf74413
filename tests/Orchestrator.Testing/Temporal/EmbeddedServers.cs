using Temporalio.Testing;

namespace Orchestrator.Testing.Temporal;

/// <summary>
/// The embedded servers of a test process, one per mode (plain, time-skipping), shared by the test classes
/// that use them at the same time and shut down when the last one lets go. Sharing keeps process starts
/// off a 2-core machine (the SDK gives a launched server 5 s to answer); classes stay isolated by using
/// their own task queues and workflow ids.
/// </summary>
internal static class EmbeddedServers
{
    private const int StartAttempts = 3;

    // The SDK waits 5 s by default (Temporalio 1.22's StartupTimeout); a loaded machine can need more for a .NET server's cold start.
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<bool, (WorkflowEnvironment Environment, int Users)> Running = [];

    public static async Task<WorkflowEnvironment> AcquireAsync(string serverPath, bool timeSkipping)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Running.TryGetValue(timeSkipping, out var running))
            {
                Running[timeSkipping] = (running.Environment, running.Users + 1);
                return running.Environment;
            }

            var environment = await StartAsync(serverPath, timeSkipping).ConfigureAwait(false);
            Running[timeSkipping] = (environment, 1);
            return environment;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync(bool timeSkipping)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var (environment, users) = Running[timeSkipping];
            if (users > 1)
            {
                Running[timeSkipping] = (environment, users - 1);
                return;
            }

            Running.Remove(timeSkipping);
            await environment.ShutdownAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<WorkflowEnvironment> StartAsync(string serverPath, bool timeSkipping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return timeSkipping
                    ? await WorkflowEnvironment.StartTimeSkippingAsync(new WorkflowEnvironmentStartTimeSkippingOptions
                    {
                        TestServer = new TestServerOptions { ExistingPath = serverPath, StartupTimeout = StartupTimeout },
                    }).ConfigureAwait(false)
                    : await WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
                    {
                        DevServerOptions = new DevServerOptions { ExistingPath = serverPath, StartupTimeout = StartupTimeout },
                    }).ConfigureAwait(false);
            }
            catch (InvalidOperationException e) when (attempt < StartAttempts && e.Message.Contains("did not start", StringComparison.Ordinal))
            {
                // A loaded machine (parallel builds) can make the server miss the SDK's 5 s start window: try again.
            }
        }
    }
}
