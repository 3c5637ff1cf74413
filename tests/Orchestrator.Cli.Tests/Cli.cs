using Orchestrator.Cli.Commands;
using Orchestrator.Testing.Service;

namespace Orchestrator.Cli.Tests;

/// <summary>Runs the CLI in-process (<see cref="InProcessCli"/>), against <paramref name="api"/> when given.</summary>
public static class Cli
{
    public static Task<InProcessCli.Result> RunAsync(CliApi? api, params string[] args)
    {
        RunWaiter.Interval = TimeSpan.FromMilliseconds(50);
        return InProcessCli.RunAsync(api, api is null ? args : [.. args, "--api", "http://localhost"]);
    }
}
