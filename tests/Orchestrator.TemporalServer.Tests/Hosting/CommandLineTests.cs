using Orchestrator.TemporalServer.Hosting;

namespace Orchestrator.TemporalServer.Tests.Hosting;

/// <summary>The command lines the SDK launches a dev or test server with, and the server's own.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void TryParse_TemporalCliDevServerShape_ReadsPortIpAndNamespace()
    {
        string[] args = ["server", "start-dev", "--port", "7245", "--namespace", "orders", "--ip", "127.0.0.1",
            "--log-format", "pretty", "--log-level", "warn", "--headless", "--dynamic-config-value", "a.b=true"];

        CommandLine.TryParse(args, out var options, out var error).ShouldBeTrue(error);

        options.Port.ShouldBe(7245);
        options.Ip.ShouldBe("127.0.0.1");
        options.Namespaces.ShouldBe(["orders"]);
        options.TimeSkipping.ShouldBeFalse();
    }

    [Fact]
    public void TryParse_JavaTestServerShape_TurnsOnTimeSkipping()
    {
        CommandLine.TryParse(["7246"], out var options, out var error).ShouldBeTrue(error);

        options.Port.ShouldBe(7246);
        options.TimeSkipping.ShouldBeTrue();
    }

    [Fact]
    public void TryParse_OwnShape_ReadsTimeSkippingAndLogLevel()
    {
        CommandLine.TryParse(["--port", "0", "--time-skipping", "--log-level", "debug"], out var options, out var error).ShouldBeTrue(error);

        options.Port.ShouldBe(0);
        options.TimeSkipping.ShouldBeTrue();
        options.LogLevel.ShouldBe(Microsoft.Extensions.Logging.LogLevel.Debug);
    }

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--port", "70000")]
    [InlineData("stray", "")]
    public void TryParse_BadArguments_FailsWithReason(string first, string second)
    {
        string[] args = second.Length > 0 ? [first, second] : [first];

        CommandLine.TryParse(args, out _, out var error).ShouldBeFalse();

        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void TryParse_SearchAttributes_RegistersNamesWithTypes()
    {
        string[] args = ["server", "start-dev", "--port", "0", "--search-attribute", "Stage=Keyword", "--search-attribute", "Score=Double"];

        CommandLine.TryParse(args, out var options, out var error).ShouldBeTrue(error);

        options.SearchAttributes["Stage"].ShouldBe(Temporalio.Api.Enums.V1.IndexedValueType.Keyword);
        options.SearchAttributes["Score"].ShouldBe(Temporalio.Api.Enums.V1.IndexedValueType.Double);
    }

    [Fact]
    public void TryParse_BlobSizeLimit_IsRefusedSayingItIsNotSupported()
    {
        string[] args = ["server", "start-dev", "--port", "0", "--dynamic-config-value", "limit.blobSize.error=1024"];

        CommandLine.TryParse(args, out _, out var error).ShouldBeFalse();

        error.ShouldContain("not supported by the embedded development server");
    }

    [Fact]
    public void TryParse_StopWithProcess_ReadsTheOwner()
    {
        CommandLine.TryParse(["7247", "--stop-with-process", "4321"], out var options, out var error).ShouldBeTrue(error);

        options.StopWithProcess.ShouldBe(4321);
        options.TimeSkipping.ShouldBeTrue();
    }
}
