using System.CommandLine;
using Orchestrator.TemporalServer.Hosting;

namespace Orchestrator.Cli.Dev;

/// <summary>`orchestrator dev ...`: tools for local development and tests, never for production.</summary>
public static class DevCommand
{
    public static Command Create()
    {
        var dev = new Command("dev", "Local development tools (not for production).");
        dev.Subcommands.Add(TemporalServer());
        dev.Subcommands.Add(TokenCommand.Create());
        return dev;
    }

    /// <summary>
    /// `orchestrator dev temporal-server --port P [--time-skipping]`: the embedded Temporal-protocol server in the
    /// foreground, for machines where neither a Temporal address nor the `temporal` CLI is available.
    /// </summary>
    private static Command TemporalServer()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 7233 };
        var timeSkipping = new Option<bool>("--time-skipping") { Description = "Skip idle time to the next timer (test-server mode)." };
        var ns = new Option<string[]>("--namespace") { Description = "Extra namespaces to register besides 'default'.", AllowMultipleArgumentsPerToken = true };
        var verbose = new Option<bool>("--verbose") { Description = "Log every RPC (debug level)." };
        var command = new Command("temporal-server",
            "Run the embedded Temporal-protocol server (in-memory; development and tests only) until Ctrl+C.");
        command.Options.Add(port);
        command.Options.Add(timeSkipping);
        command.Options.Add(ns);
        command.Options.Add(verbose);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServerOptions
            {
                Port = parse.GetValue(port),
                TimeSkipping = parse.GetValue(timeSkipping),
                Namespaces = parse.GetValue(ns) ?? [],
                LogLevel = parse.GetValue(verbose) ? Microsoft.Extensions.Logging.LogLevel.Debug : Microsoft.Extensions.Logging.LogLevel.Warning,
            };
            await using var server = await TemporalServerHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Embedded Temporal-protocol server (development and tests only) listening on {server.Address}"
                + (options.TimeSkipping ? " with time skipping" : "") + "; Ctrl+C stops it.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: shut down cleanly.
            }

            return 0;
        });
        return command;
    }
}
