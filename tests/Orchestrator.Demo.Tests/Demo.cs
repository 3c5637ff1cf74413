using Orchestrator.Cli;
using Orchestrator.Cli.Commands;
using Orchestrator.Cli.Demo;

namespace Orchestrator.Demo.Tests;

/// <summary>Runs `orchestrator demo` in-process against the test service and captures what it printed.</summary>
public static class Demo
{
    public sealed record Result(int ExitCode, string Out, string Error);

    /// <summary>The CLI's console is process-wide: demo runs of this assembly take turns.</summary>
    private static readonly SemaphoreSlim One = new(1, 1);

    public static async Task<Result> RunAsync(DemoService? service, params string[] args)
    {
        await One.WaitAsync(TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            CliContext.Out = TextWriter.Synchronized(output);
            CliContext.Error = TextWriter.Synchronized(error);
            CliContext.Handler = service is null ? null : () => service.Server.CreateHandler();
            RunProgress.Interval = TimeSpan.FromMilliseconds(500);
            string[] all = service is null ? ["demo", .. args] : ["demo", .. args, "--api", "http://localhost", "--key-path", service.KeyPath, "--output", service.Output];
            var code = await CliApp.RunAsync(all, TestContext.Current.CancellationToken);
            TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());
            TestContext.Current.TestOutputHelper?.WriteLine(error.ToString());
            return new Result(code, output.ToString(), error.ToString());
        }
        finally
        {
            CliContext.Out = Console.Out;
            CliContext.Error = Console.Error;
            CliContext.Handler = null;
            One.Release();
        }
    }
}
