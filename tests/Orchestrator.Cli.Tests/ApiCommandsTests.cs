using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Activities.Artifacts;
using Orchestrator.Cli.Client;

namespace Orchestrator.Cli.Tests;

/// <summary>The CLI against the real API (in-process, on real PostgreSQL, Azurite and Temporal).</summary>
public sealed class ApiCommandsTests(CliApi api) : IClassFixture<CliApi>
{
    [Fact]
    public async Task RunsStartListShow_AsEngineer_StartsTheRunAndShowsIt()
    {
        var token = api.Token("alice", "ml-engineer");

        var started = await Cli.RunAsync(api, "runs", "start", "--model", "shapes", "--synthetic-count", "40", "--token", token, "--json");
        var runId = System.Text.Json.JsonDocument.Parse(started.Out).RootElement.GetProperty("runId").GetString()!;
        var list = await Cli.RunAsync(api, "runs", "list", "--requested-by", "alice", "--token", token);
        var show = await Cli.RunAsync(api, "runs", "show", runId, "--token", token);

        started.ExitCode.ShouldBe(ExitCodes.Ok);
        list.ExitCode.ShouldBe(ExitCodes.Ok);
        list.Out.ShouldContain(runId);
        list.Out.Split('\n')[0].ShouldStartWith("RUN");
        show.Out.ShouldContain("requested by:");
        show.Out.ShouldContain("alice");
    }

    [Fact]
    public async Task RunsShow_UnknownRun_ExitsNotFoundWithTheProblemDetail()
    {
        var result = await Cli.RunAsync(api, "runs", "show", "nope", "--token", api.Token("alice", "ml-engineer"));

        result.ExitCode.ShouldBe(ExitCodes.NotFoundOrConflict);
        result.Error.Trim().ShouldBe("orchestrator: 404 No run 'nope'.");
    }

    [Fact]
    public async Task RunsList_NoToken_ExitsDenied()
    {
        var result = await Cli.RunAsync(api, "runs", "list");

        result.ExitCode.ShouldBe(ExitCodes.Denied);
    }

    [Fact]
    public async Task RunsStart_AsAuditor_ExitsDenied()
    {
        var result = await Cli.RunAsync(api, "runs", "start", "--model", "shapes", "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.Denied);
        result.Error.ShouldContain("403");
    }

    [Fact]
    public async Task AuditExportThenVerifyBundle_Offline_VerifiesAndDetectsTampering()
    {
        var engineer = api.Token("alice", "ml-engineer");
        var auditor = api.Token("audrey", "auditor");
        await Cli.RunAsync(api, "runs", "start", "--model", "shapes", "--token", engineer);
        var bundle = Path.Combine(api.StateDirectory, $"bundle-{Guid.NewGuid():N}.zip");

        var export = await Cli.RunAsync(api, "audit", "export", "--output", bundle, "--token", auditor);
        var verify = await Cli.RunAsync(null, "audit", "verify-bundle", bundle);

        export.ExitCode.ShouldBe(ExitCodes.Ok, export.Error);
        verify.ExitCode.ShouldBe(ExitCodes.Ok, verify.Out + verify.Error);
        verify.Out.ShouldStartWith("VERIFIED");

        using (var zip = ZipFile.Open(bundle, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("events.jsonl")!;
            string text;
            using (var reader = new StreamReader(entry.Open()))
            {
                text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("events.jsonl").Open());
            await writer.WriteAsync(text.Replace("alice", "mallory", StringComparison.Ordinal));
        }

        var tampered = await Cli.RunAsync(null, "audit", "verify-bundle", bundle);
        tampered.ExitCode.ShouldBe(ExitCodes.Failed);
        tampered.Out.ShouldStartWith("NOT VERIFIED");
    }

    [Fact]
    public async Task AuditVerify_AsAuditor_PrintsVerified()
    {
        var result = await Cli.RunAsync(api, "audit", "verify", "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        result.Out.ShouldStartWith("VERIFIED");
    }

    [Fact]
    public async Task ApprovalsList_AsApprover_PrintsATable()
    {
        var result = await Cli.RunAsync(api, "approvals", "list", "--token", api.Token("paula", "approver"));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        result.Out.ShouldStartWith("RUN");
    }

    [Fact]
    public async Task ArtifactsGet_StoredReport_WritesTheVerifiedBytes()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"# Evidence report {Guid.NewGuid()}\n");
        var stored = await api.Services.GetRequiredService<BlobArtifactStore>().PutAsync(bytes, "text/markdown", TestContext.Current.CancellationToken);
        var file = Path.Combine(api.StateDirectory, $"report-{Guid.NewGuid():N}.md");

        var result = await Cli.RunAsync(api, "artifacts", "get", stored.Digest, "--output", file, "--token", api.Token("paula", "approver"));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        (await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)).ShouldBe(bytes);
        result.Out.ShouldContain("sha256 matches");
        Directory.GetFiles(api.StateDirectory, "*.partial").ShouldBeEmpty();
    }

    [Fact]
    public async Task ArtifactsGet_StoredBytesNoLongerHashToTheDigest_ExitsOneAndWritesNothing()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes($"# Evidence report {Guid.NewGuid()}\naccuracy 0.95\n");
        var stored = await api.Services.GetRequiredService<BlobArtifactStore>().PutAsync(bytes, "text/markdown", TestContext.Current.CancellationToken);
        var tampered = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes).Replace("0.95", "0.99", StringComparison.Ordinal));
        await api.Services.GetRequiredService<Azure.Storage.Blobs.BlobContainerClient>().GetBlobClient(BlobArtifactStore.BlobName(stored.Digest))
            .UploadAsync(new BinaryData(tampered), overwrite: true, TestContext.Current.CancellationToken);
        var file = Path.Combine(api.StateDirectory, $"tampered-{Guid.NewGuid():N}.md");

        var result = await Cli.RunAsync(api, "artifacts", "get", stored.Digest, "--output", file, "--token", api.Token("paula", "approver"));

        // README, CLI: "written only once complete and hash-checked; exit 1 and no file otherwise".
        result.ExitCode.ShouldBe(ExitCodes.Failed, result.Error);
        File.Exists(file).ShouldBeFalse();
        Directory.GetFiles(api.StateDirectory, "*.partial").ShouldBeEmpty();
    }

    [Fact]
    public async Task ArtifactsGet_UnknownDigest_ExitsNotFoundAndWritesNothing()
    {
        var file = Path.Combine(api.StateDirectory, $"missing-{Guid.NewGuid():N}.md");

        var result = await Cli.RunAsync(api, "artifacts", "get", "sha256:" + new string('0', 64), "-o", file, "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.NotFoundOrConflict);
        result.Error.Trim().ShouldStartWith("orchestrator: 404 No artifact is stored under sha256:");
        File.Exists(file).ShouldBeFalse();
        Directory.GetFiles(api.StateDirectory, "*.partial").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not-a-digest")]
    [InlineData("sha256:ABC")]
    public async Task ArtifactsGet_MalformedDigest_ExitsBadInputWithoutCallingTheApi(string digest)
    {
        var file = Path.Combine(api.StateDirectory, $"bad-{Guid.NewGuid():N}.md");

        var result = await Cli.RunAsync(api, "artifacts", "get", digest, "-o", file, "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.Trim().ShouldBe($"orchestrator: '{digest}' is not a digest of the form sha256:<64 lowercase hex digits>");
        File.Exists(file).ShouldBeFalse();
    }
}
