using Orchestrator.Cli.Demo;
using Orchestrator.Testing.Service;

namespace Orchestrator.Demo.Tests;

/// <summary>Runs `orchestrator demo` in-process (<see cref="InProcessCli"/>) against the test service.</summary>
public static class Demo
{
    public static Task<InProcessCli.Result> RunAsync(DemoService? service, params string[] args)
    {
        RunProgress.Interval = TimeSpan.FromMilliseconds(500);
        return InProcessCli.RunAsync(service, service is null
            ? ["demo", .. args]
            : ["demo", .. args, "--api", "http://localhost", "--key-path", service.KeyPath, "--output", service.Output]);
    }
}
