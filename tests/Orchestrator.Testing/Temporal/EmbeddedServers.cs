using Temporalio.Testing;

namespace Orchestrator.Testing.Temporal;

/// <summary>
/// The embedded servers of a test process, launched through the SDK's own launcher
/// (<see cref="DevServerOptions.ExistingPath"/>, <see cref="TestServerOptions.ExistingPath"/>) with a generous
/// start-up deadline: the SDK's default of five seconds is what a busy 2-core machine missed. The plain server is
/// started once per test process and stopped when it exits; the time-skipping server is shared by the test classes
/// that use it at the same time and stopped when the last one lets go, because workflows a finished class left
/// behind (timers, tasks no worker polls any more) would stop or distort skipping for the next one. Each server is
/// told the test process's id and stops by itself when that process ends, also when it is killed, so no server
/// outlives its tests.
/// </summary>
internal static class EmbeddedServers
{
    /// <summary>How long a launched server may take to answer; the SDK's default (5 s) is too short under load.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static WorkflowEnvironment? plain;
    private static (WorkflowEnvironment Environment, int Users)? timeSkipping;

    public static async Task<WorkflowEnvironment> AcquireAsync(string serverPath, bool skipping)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!skipping)
            {
                if (plain is null)
                {
                    plain = await StartAsync(serverPath, skipping: false).ConfigureAwait(false);
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAtExit();
                }

                return plain;
            }

            if (timeSkipping is { } running)
            {
                timeSkipping = (running.Environment, running.Users + 1);
                return running.Environment;
            }

            var environment = await StartAsync(serverPath, skipping: true).ConfigureAwait(false);
            timeSkipping = (environment, 1);
            return environment;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Lets go of a server; only the time-skipping one stops here (the plain one at process exit).</summary>
    public static async Task ReleaseAsync(bool skipping)
    {
        if (!skipping)
        {
            return;
        }

        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (timeSkipping is not { } running)
            {
                return;
            }

            if (running.Users > 1)
            {
                timeSkipping = (running.Environment, running.Users - 1);
                return;
            }

            timeSkipping = null;
            await running.Environment.ShutdownAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static void StopAtExit()
    {
        // Best effort within the exit: the server also stops by itself once this process is gone.
        try
        {
            plain?.ShutdownAsync().Wait(TimeSpan.FromSeconds(5));
        }
#pragma warning disable CA1031 // An exception thrown from a ProcessExit handler would turn a passing test run into a crash.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static async Task<WorkflowEnvironment> StartAsync(string serverPath, bool skipping)
    {
        List<string> stopWithUs = ["--stop-with-process", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return skipping
            ? await WorkflowEnvironment.StartTimeSkippingAsync(new WorkflowEnvironmentStartTimeSkippingOptions
            {
                TestServer = new TestServerOptions { ExistingPath = serverPath, StartupTimeout = StartupTimeout, ExtraArgs = stopWithUs },
            }).ConfigureAwait(false)
            : await WorkflowEnvironment.StartLocalAsync(new WorkflowEnvironmentStartLocalOptions
            {
                DevServerOptions = new DevServerOptions { ExistingPath = serverPath, StartupTimeout = StartupTimeout, ExtraArgs = stopWithUs },
            }).ConfigureAwait(false);
    }
}
