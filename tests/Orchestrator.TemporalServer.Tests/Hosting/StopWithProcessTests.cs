using System.Diagnostics;
using Orchestrator.Testing.Temporal;

namespace Orchestrator.TemporalServer.Tests.Hosting;

/// <summary>A server launched for tests stops by itself once the process that launched it is gone, even when killed.</summary>
public sealed class StopWithProcessTests
{
    [Fact]
    public async Task Server_OwnerKilled_StopsByItself()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "uses the sleep command");
        var cancel = TestContext.Current.CancellationToken;
        using var owner = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
        using var server = Process.Start(new ProcessStartInfo(TemporalEnvironment.ServerPath, ["--port", "0", "--stop-with-process", owner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            using var started = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            started.CancelAfter(TimeSpan.FromMinutes(2));
            (await server.StandardOutput.ReadLineAsync(started.Token)).ShouldNotBeNull().ShouldContain("listening on");

            owner.Kill();

            using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            stopped.CancelAfter(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(stopped.Token);
            server.ExitCode.ShouldBe(0);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }

            if (!owner.HasExited)
            {
                owner.Kill();
            }
        }
    }
}
