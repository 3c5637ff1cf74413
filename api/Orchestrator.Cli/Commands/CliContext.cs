using System.CommandLine;
using Orchestrator.Cli.Client;

namespace Orchestrator.Cli.Commands;

/// <summary>The options every API command shares (--api, --token, --json) and the one way commands run and fail.</summary>
public static class CliContext
{
    public static readonly Option<string?> Api = new("--api") { Description = $"API base URL (default: $ORCHESTRATOR_API or {ApiClient.DefaultApi}).", Recursive = true };
    public static readonly Option<string?> Token = new("--token") { Description = "Bearer token (default: $ORCHESTRATOR_TOKEN).", Recursive = true };
    public static readonly Option<bool> Json = new("--json") { Description = "Print the API's JSON instead of tables.", Recursive = true };

    /// <summary>Standard output; tests replace it.</summary>
    public static TextWriter Out { get; set; } = Console.Out;

    /// <summary>Standard error; tests replace it.</summary>
    public static TextWriter Error { get; set; } = Console.Error;

    /// <summary>The handler the API client uses; tests point it at an in-process server.</summary>
    public static Func<HttpMessageHandler>? Handler { get; set; }

    /// <summary>Makes <paramref name="command"/> run <paramref name="action"/> with an API client, mapping failures to one line and an exit code.</summary>
    public static void SetApiAction(this Command command, Func<ParseResult, ApiClient, Output, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var client = new ApiClient(parse.GetValue(Api), parse.GetValue(Token), Handler?.Invoke());
                return await action(parse, client, new Output(Out, parse.GetValue(Json)), cancellationToken);
            }
            catch (CliException e)
            {
                Error.WriteLine($"orchestrator: {e.Message}");
                return e.ExitCode;
            }
        });

    /// <summary>As <see cref="SetApiAction"/> for commands that need no API.</summary>
    public static void SetLocalAction(this Command command, Func<ParseResult, Output, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, new Output(Out, parse.GetValue(Json)), cancellationToken);
            }
            catch (CliException e)
            {
                Error.WriteLine($"orchestrator: {e.Message}");
                return e.ExitCode;
            }
        });

    /// <summary>A required string argument.</summary>
    public static Argument<string> Arg(string name, string description) => new(name) { Description = description };

    /// <summary>Path segments from user input are escaped, so "../x" cannot walk the API's routes.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
