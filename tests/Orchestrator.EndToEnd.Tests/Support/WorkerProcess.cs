using System.Diagnostics;

namespace Orchestrator.EndToEnd.Tests.Support;

/// <summary>
/// The service binary (api/Orchestrator.Api, the one `./run.sh` and production run) started as a separate OS
/// process with a worker role, so a test can kill it the way a machine dies: SIGKILL, no shutdown code, no
/// last report to the server, which learns of the loss only from the missing heartbeats. Its output goes
/// to a log file the test prints when something goes wrong.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private WorkerProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the service binary with <paramref name="settings"/> as environment configuration.</summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string?> settings, string logPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(ServiceBinary)!,
        };
        start.ArgumentList.Add(ServiceBinary);
        // A worker serves no API traffic, but the host is a web host: a free loopback port keeps it off 5080.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {ServiceBinary}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, log, logPath);
    }

    /// <summary>SIGKILL, and wait until the process is gone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>The last lines of the process's output, for a failure message.</summary>
    public string Tail(int lines = 30)
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the test let go of the process.
            }
        }
    }

    /// <summary>The built service binary of this checkout and configuration (the project reference builds it first).</summary>
    private static string ServiceBinary
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory);
            var framework = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Orchestrator.sln")))
            {
                root = root.Parent;
            }

            var binary = root is null ? null : Path.Combine(root.FullName, "api", "Orchestrator.Api", "bin", configuration, framework, "Orchestrator.Api.dll");
            return binary is not null && File.Exists(binary)
                ? binary
                : throw new InvalidOperationException($"the service binary is not built ({binary ?? "no Orchestrator.sln above " + AppContext.BaseDirectory}); build the solution first");
        }
    }
}
