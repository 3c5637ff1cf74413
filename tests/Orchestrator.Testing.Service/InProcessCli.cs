using Orchestrator.Cli;
using Orchestrator.Cli.Commands;
using Xunit;

namespace Orchestrator.Testing.Service;

/// <summary>
/// Runs the CLI in-process and captures what it printed, optionally against a service in the same process.
/// The CLI's console and HTTP handler are process-wide, so runs in one test assembly take turns.
/// </summary>
public static class InProcessCli
{
    private static readonly SemaphoreSlim One = new(1, 1);

    /// <summary>An exit code and what went to standard output and standard error.</summary>
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>The last line written to standard output.</summary>
        public string LastLine => Out.TrimEnd().Split('\n')[^1];
    }

    /// <summary>Runs <paramref name="args"/>; with <paramref name="service"/>, its HTTP calls go to that in-process server (pass <c>--api http://localhost</c>).</summary>
    public static async Task<Result> RunAsync(ServiceFactory? service, string[] args)
    {
        await One.WaitAsync(TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            // Synchronized: the demo writes progress from concurrent tasks.
            CliContext.Out = TextWriter.Synchronized(output);
            CliContext.Error = TextWriter.Synchronized(error);
            CliContext.Handler = service is null ? null : () => service.Server.CreateHandler();
            var code = await CliApp.RunAsync(args, TestContext.Current.CancellationToken);
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
