using Orchestrator.Cli.Commands;

namespace Orchestrator.Cli.Tests;

/// <summary>Runs the CLI in-process and captures its output; the CLI's console is process-wide, so CLI tests run one at a time.</summary>
public static class Cli
{
    private static readonly SemaphoreSlim One = new(1, 1);

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string LastLine => Out.TrimEnd().Split('\n')[^1];
    }

    public static async Task<Result> RunAsync(CliApi? api, params string[] args)
    {
        await One.WaitAsync(TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            CliContext.Out = output;
            CliContext.Error = error;
            CliContext.Handler = api is null ? null : () => api.Server.CreateHandler();
            RunWaiter.Interval = TimeSpan.FromMilliseconds(50);
            var code = await CliApp.RunAsync(api is null ? args : [.. args, "--api", "http://localhost"], TestContext.Current.CancellationToken);
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
