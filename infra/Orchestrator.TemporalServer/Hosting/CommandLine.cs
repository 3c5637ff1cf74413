using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Orchestrator.TemporalServer.Hosting;

/// <summary>
/// Parses the three command-line shapes the server accepts: the Temporal CLI's
/// "server start-dev --port P [--ip A] [--namespace N]... [--log-level L]" (what the SDK's dev server launcher
/// passes; options it does not need, such as --headless, --db-filename or --dynamic-config-value, are accepted
/// and ignored), the Java test server's "P [args...]" (time skipping on, as that server has it), and its own
/// "--port P [--time-skipping] [--ip A] [--namespace N] [--log-level L]".
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        usage: orchestrator-temporal-server --port P [--time-skipping] [--ip 127.0.0.1] [--namespace N]... [--log-level debug|info|warn|error]
               orchestrator-temporal-server server start-dev --port P [--ip A] [--namespace N]   (Temporal CLI shape)
               orchestrator-temporal-server P                                                    (Java test server shape: time skipping)
        """;

    public static bool TryParse(IReadOnlyList<string> args, out ServerOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new ServerOptions();
        error = "";
        var rest = args.ToList();
        if (rest.Count >= 2 && rest[0] == "server" && rest[1] == "start-dev")
        {
            rest.RemoveRange(0, 2);
        }
        else if (rest.Count >= 1 && int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var testServerPort))
        {
            options = options with { Port = testServerPort, TimeSkipping = true };
            rest.RemoveAt(0);
        }

        var namespaces = new List<string>();
        for (var i = 0; i < rest.Count; i++)
        {
            var arg = rest[i];
            string? Value() => i + 1 < rest.Count && !rest[i + 1].StartsWith('-') ? rest[++i] : null;
            switch (arg)
            {
                case "--port" or "-p":
                    if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        error = "--port needs a port number";
                        return false;
                    }

                    options = options with { Port = port };
                    break;
                case "--ip":
                    options = options with { Ip = Value() ?? options.Ip };
                    break;
                case "--namespace" or "-n":
                    if (Value() is { } ns && ns != "default")
                    {
                        namespaces.Add(ns);
                    }

                    break;
                case "--time-skipping":
                    options = options with { TimeSkipping = true };
                    break;
                case "--log-level":
                    options = options with { LogLevel = ParseLevel(Value()) };
                    break;
                case "--help" or "-h":
                    error = "";
                    return false;
                default:
                    if (!arg.StartsWith('-'))
                    {
                        error = $"unexpected argument {arg}";
                        return false;
                    }

                    // An option of the Temporal CLI this server has no use for: skip it and its value.
                    Value();
                    break;
            }
        }

        options = options with { Namespaces = namespaces };
        return true;
    }

    private static LogLevel ParseLevel(string? level) => level?.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "ERROR" or "FATAL" => LogLevel.Error,
        _ => LogLevel.Warning,
    };
}
