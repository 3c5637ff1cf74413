using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Cli.Client;
using Orchestrator.Client;

namespace Orchestrator.Cli.Tests;

/// <summary>The commands that need no service: dev token, parse errors, offline verification input errors, an unreachable API.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-cli-").FullName;

    [Fact]
    public async Task DevToken_UserAndRoles_PrintsAValidTokenAloneOnItsLastLine()
    {
        var keyPath = Path.Combine(_directory, "dev.key");

        var result = await Cli.RunAsync(null, "dev", "token", "--user", "alice", "--role", "approver", "--role", "auditor", "--key-path", keyPath);

        result.ExitCode.ShouldBe(ExitCodes.Ok);
        var key = DevelopmentTokens.LoadOrCreateKey(keyPath);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(result.LastLine, new TokenValidationParameters
        {
            ValidIssuer = "orchestrator", ValidAudience = "orchestrator-api", IssuerSigningKey = key, RoleClaimType = "roles",
        });
        validation.IsValid.ShouldBeTrue();
        validation.ClaimsIdentity.FindFirst("sub")!.Value.ShouldBe("alice");
        validation.ClaimsIdentity.FindAll("roles").Select(c => c.Value).ShouldBe(["approver", "auditor"]);
    }

    [Fact]
    public async Task DevToken_UnknownRole_ExitsWithBadInputAndOneLine()
    {
        var result = await Cli.RunAsync(null, "dev", "token", "--user", "alice", "--role", "superuser", "--key-path", Path.Combine(_directory, "k"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain("unknown role 'superuser'");
    }

    [Theory]
    [InlineData("runs", "frobnicate")]
    [InlineData("runs", "start")]
    [InlineData("runs", "list", "--take", "many")]
    public async Task BadCommandLine_ExitsWithBadInputAndOneLine(params string[] args)
    {
        var result = await Cli.RunAsync(null, args);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("orchestrator: ");
    }

    [Fact]
    public async Task AnyApiCommand_ApiUnreachable_ExitsUnavailableNamingTheAddress()
    {
        // Port 1 on loopback: nothing listens there.
        var result = await Cli.RunAsync(null, "runs", "list", "--api", "http://127.0.0.1:1", "--token", "t");

        result.ExitCode.ShouldBe(ExitCodes.Unavailable);
        result.Error.ShouldContain("cannot reach the API at http://127.0.0.1:1/");
    }

    [Fact]
    public async Task VerifyBundle_NoSuchFile_ExitsWithBadInput()
    {
        var result = await Cli.RunAsync(null, "audit", "verify-bundle", Path.Combine(_directory, "missing.zip"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
    }

    [Fact]
    public async Task VerifyBundle_NotABundle_ExitsFailedWithOneLine()
    {
        var fake = Path.Combine(_directory, "fake.zip");
        await File.WriteAllTextAsync(fake, "not a zip", TestContext.Current.CancellationToken);
        var key = Path.Combine(_directory, "key.pem");
        using (var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(key, ecdsa.ExportSubjectPublicKeyInfoPem(), TestContext.Current.CancellationToken);
        }

        var result = await Cli.RunAsync(null, "audit", "verify-bundle", fake, "--public-key", key);

        result.ExitCode.ShouldBe(ExitCodes.Failed);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
