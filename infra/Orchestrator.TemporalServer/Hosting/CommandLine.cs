using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Orchestrator.TemporalServer.Hosting;

/// <summary>
/// Parses the three command-line shapes the server accepts: the Temporal CLI's
/// "server start-dev --port P [--ip A] [--namespace N]... [--search-attribute NAME=TYPE]... [--log-level L]" (what
/// the SDK's dev server launcher passes; options without meaning here, such as --headless, --db-filename or
/// --log-format, are accepted and ignored, and so are dynamic config values, except the payload size limits
/// limit.blobSize.*, which are refused: the server does not enforce them), the Java test server's "P [args...]"
/// (time skipping on, as that server has it), and its own "--port P [--time-skipping] [--ip A] [--namespace N]
/// [--log-level L] [--stop-with-process PID]".
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        usage: orchestrator-temporal-server --port P [--time-skipping] [--ip 127.0.0.1] [--namespace N]... [--search-attribute NAME=TYPE]...
                                            [--log-level debug|info|warn|error] [--stop-with-process PID]
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
        var searchAttributes = new Dictionary<string, Temporalio.Api.Enums.V1.IndexedValueType>(StringComparer.Ordinal);
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
                case "--search-attribute":
                    var attribute = Value() ?? "";
                    var equals = attribute.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || !TryParseType(attribute[(equals + 1)..], out var type))
                    {
                        error = $"--search-attribute needs NAME=TYPE with TYPE one of Text, Keyword, Int, Double, Bool, Datetime, KeywordList (got '{attribute}')";
                        return false;
                    }

                    searchAttributes[attribute[..equals]] = type;
                    break;
                case "--dynamic-config-value":
                    if (Value() is { } setting && setting.StartsWith("limit.blobSize.", StringComparison.Ordinal))
                    {
                        error = $"--dynamic-config-value {setting}: payload size limits are {Grpc.RpcErrors.NotSupported}";
                        return false;
                    }

                    break;
                case "--stop-with-process":
                    if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    {
                        error = "--stop-with-process needs a process id";
                        return false;
                    }

                    options = options with { StopWithProcess = pid };
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

        options = options with { Namespaces = namespaces, SearchAttributes = searchAttributes };
        return true;
    }

    private static bool TryParseType(string name, out Temporalio.Api.Enums.V1.IndexedValueType type)
    {
        type = name.ToUpperInvariant() switch
        {
            "TEXT" => Temporalio.Api.Enums.V1.IndexedValueType.Text,
            "KEYWORD" => Temporalio.Api.Enums.V1.IndexedValueType.Keyword,
            "INT" => Temporalio.Api.Enums.V1.IndexedValueType.Int,
            "DOUBLE" => Temporalio.Api.Enums.V1.IndexedValueType.Double,
            "BOOL" => Temporalio.Api.Enums.V1.IndexedValueType.Bool,
            "DATETIME" => Temporalio.Api.Enums.V1.IndexedValueType.Datetime,
            "KEYWORDLIST" => Temporalio.Api.Enums.V1.IndexedValueType.KeywordList,
            _ => Temporalio.Api.Enums.V1.IndexedValueType.Unspecified,
        };
        return type != Temporalio.Api.Enums.V1.IndexedValueType.Unspecified;
    }

    private static LogLevel ParseLevel(string? level) => level?.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "ERROR" or "FATAL" => LogLevel.Error,
        _ => LogLevel.Warning,
    };
}
