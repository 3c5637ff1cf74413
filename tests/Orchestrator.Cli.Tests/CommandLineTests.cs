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
    public async Task VerifyBundle_NoTrustedKey_ExitsBadInputWithOneLine()
    {
        var bundle = Path.Combine(_directory, "bundle.zip");
        await File.WriteAllTextAsync(bundle, "whatever", TestContext.Current.CancellationToken);
        // A key beside the bundle, where an earlier version looked: it is not a trusted key.
        await File.WriteAllTextAsync(Path.Combine(_directory, "bundle.public-key.pem"), NewPublicKey(), TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync(null, "audit", "verify-bundle", bundle);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("orchestrator: no trusted key");
    }

    [Theory]
    [InlineData("not-a-zip")]
    [InlineData("no-manifest")]
    [InlineData("manifest-not-json")]
    [InlineData("manifest-nulls")]
    [InlineData("manifest-null-stream")]
    [InlineData("no-signature")]
    [InlineData("malformed-line")]
    [InlineData("unsigned-format-1")]
    public async Task VerifyBundle_MalformedBundle_ExitsFailedWithOneLineAndNoStackTrace(string damage)
    {
        var bundle = Path.Combine(_directory, $"{damage}.zip");
        await WriteDamagedBundleAsync(bundle, damage);
        var key = Path.Combine(_directory, "key.pem");
        await File.WriteAllTextAsync(key, NewPublicKey(), TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--public-key", key);

        result.ExitCode.ShouldBe(ExitCodes.Failed, result.Out + result.Error);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith($"orchestrator: '{bundle}' cannot be verified: ");
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task VerifyBundle_BadFingerprint_ExitsBadInput()
    {
        var bundle = Path.Combine(_directory, "b.zip");
        await File.WriteAllTextAsync(bundle, "x", TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--key-fingerprint", "md5:abc");

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain("'md5:abc' is not a key fingerprint");
    }

    private static string NewPublicKey()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return ecdsa.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>A hand-made bundle zip with one kind of damage (a real export is not needed to be malformed).</summary>
    private static async Task WriteDamagedBundleAsync(string path, string damage)
    {
        if (damage == "not-a-zip")
        {
            await File.WriteAllTextAsync(path, "not a zip", TestContext.Current.CancellationToken);
            return;
        }

        const string manifest = """
            {"format":"orchestrator-audit-bundle/2","spec":1,"createdAt":"2026-12-04T10:00:00+00:00","scope":"ledger",
             "streams":[{"id":"run-1","version":1,"hash":"00"}],"eventCount":1,"checkpoints":[],"checkpointCount":0,
             "publicKeyId":"00","files":{"events.jsonl":"00","checkpoints.jsonl":"00"}}
            """;
        var files = new Dictionary<string, string>
        {
            ["manifest.json"] = damage switch
            {
                "manifest-not-json" => "{\"format\": \"orchestrator-audit-bundle/2\", ",
                "manifest-nulls" => """{"format":"orchestrator-audit-bundle/2","streams":null,"checkpoints":null,"files":null}""",
                "manifest-null-stream" => manifest.Replace("""[{"id":"run-1","version":1,"hash":"00"}]""", "[null]", StringComparison.Ordinal),
                "unsigned-format-1" => manifest.Replace("bundle/2", "bundle/1", StringComparison.Ordinal),
                _ => manifest,
            },
            ["manifest.sig"] = "AAAA",
            ["events.jsonl"] = damage == "malformed-line" ? "{\"stream\":\"run-1\",\"version\":\n" : "",
            ["checkpoints.jsonl"] = "",
        };
        if (damage == "no-manifest")
        {
            files.Remove("manifest.json");
        }

        if (damage == "no-signature")
        {
            files.Remove("manifest.sig");
        }

        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        foreach (var (name, text) in files)
        {
            await using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            await writer.WriteAsync(text);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
