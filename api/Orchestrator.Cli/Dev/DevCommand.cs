using System.CommandLine;
using System.Diagnostics;

namespace Orchestrator.Cli.Dev;

/// <summary>`orchestrator dev ...`: tools for local development and tests, never for production.</summary>
public static class DevCommand
{
    /// <summary>File name of the embedded server's executable, copied next to the CLI by its project reference.</summary>
    public const string ServerExecutable = "orchestrator-temporal-server";

    public static Command Create()
    {
        var dev = new Command("dev", "Local development tools (not for production).");
        dev.Subcommands.Add(TemporalServer());
        dev.Subcommands.Add(TokenCommand.Create());
        return dev;
    }

    /// <summary>
    /// `orchestrator dev temporal-server [server arguments]`: the embedded Temporal-protocol server in the foreground,
    /// for machines where neither a Temporal address nor the `temporal` CLI is available. It runs the server's own
    /// executable with the arguments as given (its command line: `--port P [--time-skipping] [--ip A] [--namespace N]...
    /// [--log-level debug|info|warn|error]`; the port defaults to 7233), so the server's options are defined once.
    /// </summary>
    private static Command TemporalServer()
    {
        var command = new Command("temporal-server",
            $"Run the embedded Temporal-protocol server (in-memory; development and tests only) until Ctrl+C. Arguments go to {ServerExecutable} unchanged: "
            + "--port P (default 7233), --time-skipping, --ip A, --namespace N, --log-level debug|info|warn|error.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var server = Path.Combine(AppContext.BaseDirectory, ServerExecutable);
            if (!File.Exists(server))
            {
                await Console.Error.WriteLineAsync($"orchestrator: the embedded server is missing at {server}; build infra/Orchestrator.TemporalServer").ConfigureAwait(false);
                return 1;
            }

            var start = new ProcessStartInfo(server) { UseShellExecute = false };
            var arguments = parse.UnmatchedTokens.ToList();
            if (!arguments.Contains("--port") && !arguments.Contains("-p"))
            {
                arguments.InsertRange(0, ["--port", "7233"]);
            }

            arguments.ForEach(start.ArgumentList.Add);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{server} did not start");
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop the server too.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return 0;
            }
        });
        return command;
    }
}
