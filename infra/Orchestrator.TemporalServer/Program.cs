using Orchestrator.TemporalServer.Hosting;

namespace Orchestrator.TemporalServer;

/// <summary>
/// The drop-in executable: it accepts the command lines the Temporal SDK uses to launch a downloaded dev
/// server ("server start-dev --port P ...") or test server ("P"), so DevServerOptions.ExistingPath and
/// TestServerOptions.ExistingPath can point at it.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!CommandLine.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(CommandLine.Usage).ConfigureAwait(false);
            return string.IsNullOrEmpty(error) ? 0 : 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        if (options.StopWithProcess is { } owner)
        {
            _ = StopWhenGoneAsync(owner, stop);
        }

        await using var server = await TemporalServerHost.StartAsync(options, stop.Token).ConfigureAwait(false);
        Console.WriteLine($"Embedded Temporal-protocol server (development and tests only) listening on {server.Address}"
            + (options.TimeSkipping ? " with time skipping" : ""));
        await server.WaitForShutdownAsync(stop.Token).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Stops the server once the owning process has ended (also when it was killed and could not say so).</summary>
    private static async Task StopWhenGoneAsync(int pid, CancellationTokenSource stop)
    {
        var started = StartTime(pid);
        while (started is not null && StartTime(pid) == started)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>The start time of a live process (a reused process id has another), or null when it is gone.</summary>
    private static DateTime? StartTime(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
