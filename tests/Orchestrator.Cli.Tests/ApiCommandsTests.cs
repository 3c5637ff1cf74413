using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Audit.Events.BaseModels;

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
        var key = Path.ChangeExtension(bundle, ".public-key.pem");

        var export = await Cli.RunAsync(api, "audit", "export", "--output", bundle, "--token", auditor);
        var verify = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--public-key", key);
        var byFingerprint = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--key-fingerprint", Orchestrator.Audit.Export.BundleTrust.FingerprintOf(File.ReadAllText(key)));

        export.ExitCode.ShouldBe(ExitCodes.Ok, export.Error);
        export.Out.ShouldContain("key fingerprint:");
        verify.ExitCode.ShouldBe(ExitCodes.Ok, verify.Out + verify.Error);
        verify.Out.ShouldStartWith("VERIFIED: ");
        verify.Out.ShouldContain("(pass it as --anchor next time)");
        byFingerprint.ExitCode.ShouldBe(ExitCodes.Ok, byFingerprint.Out + byFingerprint.Error);

        await ReplaceEntryAsync(bundle, "events.jsonl", text => text.Replace("alice", "mallory", StringComparison.Ordinal));

        var tampered = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--public-key", key);
        tampered.ExitCode.ShouldBe(ExitCodes.Failed);
        tampered.Out.ShouldStartWith("NOT VERIFIED");
    }

    [Fact]
    public async Task AuditVerifyBundle_AttackerKeyBesideTheBundle_IsNeverUsed()
    {
        var bundle = Path.Combine(api.StateDirectory, $"bundle-{Guid.NewGuid():N}.zip");
        await Cli.RunAsync(api, "audit", "export", "--output", bundle, "--token", api.Token("audrey", "auditor"));
        var trusted = Orchestrator.Audit.Export.BundleTrust.FingerprintOf(File.ReadAllText(Path.ChangeExtension(bundle, ".public-key.pem")));
        // The attacker edits the bundle, re-signs its manifest, and leaves their key beside it and inside it.
        using var attacker = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var attackerPem = attacker.ExportSubjectPublicKeyInfoPem();
        await File.WriteAllTextAsync(Path.ChangeExtension(bundle, ".public-key.pem"), attackerPem, TestContext.Current.CancellationToken);
        await ReplaceEntryAsync(bundle, "public-key.pem", _ => attackerPem);
        var signature = Convert.ToBase64String(attacker.SignData(
            ReadEntry(bundle, "manifest.json"), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        await ReplaceEntryAsync(bundle, "manifest.sig", _ => signature);

        var noKey = await Cli.RunAsync(null, "audit", "verify-bundle", bundle);
        var fingerprint = await Cli.RunAsync(null, "audit", "verify-bundle", bundle, "--key-fingerprint", trusted);

        noKey.ExitCode.ShouldBe(ExitCodes.BadInput);
        noKey.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("orchestrator: no trusted key: pass --public-key FILE");
        noKey.Out.ShouldBeEmpty();
        fingerprint.ExitCode.ShouldBe(ExitCodes.Failed);
        fingerprint.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain($"is not the trusted key {trusted}");
    }

    [Fact]
    public async Task AuditVerify_AsAuditor_ShowsTheUnanchoredTailThenVerifiedAndHonoursTheAnchor()
    {
        var auditor = api.Token("audrey", "auditor");
        await Cli.RunAsync(api, "runs", "start", "--model", "shapes", "--token", api.Token("alice", "ml-engineer"));

        var tail = await Cli.RunAsync(api, "audit", "verify", "--token", auditor);
        await Cli.RunAsync(api, "audit", "export", "--output", Path.Combine(api.StateDirectory, $"b-{Guid.NewGuid():N}.zip"), "--token", auditor);
        var verified = await Cli.RunAsync(api, "audit", "verify", "--token", auditor, "--json");
        var digest = System.Text.Json.JsonDocument.Parse(verified.Out).RootElement.GetProperty("latestCheckpoint").GetProperty("digest").GetString()!;
        var pinned = await Cli.RunAsync(api, "audit", "verify", "--anchor", digest, "--token", auditor);
        var gone = await Cli.RunAsync(api, "audit", "verify", "--anchor", "sha256:" + new string('0', 64), "--token", auditor);
        var malformed = await Cli.RunAsync(api, "audit", "verify", "--anchor", "latest", "--token", auditor);

        tail.ExitCode.ShouldBe(ExitCodes.Ok, tail.Error);
        tail.Out.ShouldStartWith("UNANCHORED TAIL: ");
        tail.Out.ShouldContain("unanchored tail: ");
        tail.Out.ShouldContain("a forged tail cannot be detected until a checkpoint covers it");
        System.Text.Json.JsonDocument.Parse(verified.Out).RootElement.GetProperty("state").GetString().ShouldBe("verified");
        pinned.ExitCode.ShouldBe(ExitCodes.Ok, pinned.Out + pinned.Error);
        pinned.Out.ShouldStartWith("VERIFIED: ");
        gone.ExitCode.ShouldBe(ExitCodes.Failed);
        gone.Out.ShouldStartWith("NOT VERIFIED");
        gone.Out.ShouldContain("PinnedCheckpointMissing");
        malformed.ExitCode.ShouldBe(ExitCodes.BadInput);
    }

    [Fact]
    public async Task BaseModelsList_OneRegistered_PrintsItsRow()
    {
        // The registration as the registry records it (the import itself needs libtorch, which this test host does not load):
        // listing reads these entries.
        var weights = Digest.Of("cli-mnv3 weights"u8).ToString();
        var registered = new BaseModelRegistered("cli-mnv3", "mobilenet_v3_small", "MobileNetV3Small", weights, "blob://artifacts/x", "/data/mnv3.pt", "PyTorch",
            [$"mnv3.pt={weights}"], "torchvision 0.14, random weights", "none (random weights)", null, 5, 312, 1_500_000, ["F16"],
            new Dictionary<string, string> { ["preprocessing.input_size"] = "224" });
        await api.Services.GetRequiredService<IAuditLedger>().AppendAsync(AuditStreams.BaseModel("cli-mnv3"), registered,
            new AuditContext(Actor.User("alice", "ml-engineer"), new Correlation("api/base-models/cli-mnv3", ""), "test", []), "base-model-registered",
            TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync(api, "base-models", "list", "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        var lines = result.Out.Split('\n');
        lines[0].ShouldStartWith("NAME");
        lines[0].ShouldContain("REGISTERED BY");
        var row = lines.Single(l => l.StartsWith("cli-mnv3 ", StringComparison.Ordinal));
        row.ShouldContain("mobilenet_v3_small");
        row.ShouldContain(weights);
        row.ShouldContain("none (random weights)");
        row.ShouldContain("alice");
    }

    [Fact]
    public async Task BaseModelsList_TakeOutOfRange_ExitsBadInput()
    {
        var result = await Cli.RunAsync(api, "base-models", "list", "--take", "500", "--token", api.Token("audrey", "auditor"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.ShouldContain("400");
    }

    [Fact]
    public async Task ApprovalsList_AsApprover_PrintsATable()
    {
        var result = await Cli.RunAsync(api, "approvals", "list", "--token", api.Token("paula", "approver"));

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Error);
        result.Out.ShouldStartWith("RUN");
    }

    [Fact]
    public async Task ApprovalsApprove_AcceptNoCanaryComparisonWhileTheModelServesProduction_ExitsConflictNamingItAndSignsNothing()
    {
        var model = "cli-first-" + Guid.NewGuid().ToString("N")[..8];
        var started = await Cli.RunAsync(api, "runs", "start", "--model", model, "--synthetic-count", "40", "--token", api.Token("alice", "ml-engineer"), "--json");
        var runId = System.Text.Json.JsonDocument.Parse(started.Out).RootElement.GetProperty("runId").GetString()!;
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var worker = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        var digest = Digest.FromHex(new string('c', 64)).ToString();
        await ledger.AppendAsync(AuditStreams.Run(runId), new Audit.Events.Runs.RunStarted($"model-lifecycle-{runId}", "q"), worker, "run-started", TestContext.Current.CancellationToken);
        await ledger.AppendAsync(AuditStreams.Run(runId), new Audit.Events.Runs.ApprovalRequested(model, 2, digest, ["approver"], 2, DateTimeOffset.UtcNow.AddHours(1)), worker,
            "approval-requested", TestContext.Current.CancellationToken);
        await ledger.AppendAsync(AuditStreams.Model(model), new Audit.Events.Models.ModelPromoted(1, "production"), worker, "promoted-1", TestContext.Current.CancellationToken);
        var before = (await ledger.ReadStreamAsync(AuditStreams.Run(runId), cancellationToken: TestContext.Current.CancellationToken)).Count;

        var result = await Cli.RunAsync(api, "approvals", "approve", runId, "--reason", "launching", "--evidence-digest", digest, "--accept-no-canary-comparison",
            "--token", api.Token("paula", "approver"));

        result.ExitCode.ShouldBe(ExitCodes.NotFoundOrConflict);
        result.Error.ShouldContain($"{model} has production version 1");
        (await ledger.ReadStreamAsync(AuditStreams.Run(runId), cancellationToken: TestContext.Current.CancellationToken)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task CanaryPromote_RunWithNoHeldCanary_ExitsWithConflictAndSignsNothing()
    {
        var result = await Cli.RunAsync(api, "canary", "promote", "no-such-run", "--reason", "traffic is fine", "--token", api.Token("paula", "approver"));

        result.ExitCode.ShouldBe(ExitCodes.NotFoundOrConflict);
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

        var result = await Cli.RunAsync(api, "artifacts", "get", Digest.FromHex(new string('0', 64)).ToString(), "-o", file, "--token", api.Token("audrey", "auditor"));

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

    private static async Task ReplaceEntryAsync(string zipPath, string name, Func<string, string> edit)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        var entry = zip.GetEntry(name)!;
        string text;
        using (var reader = new StreamReader(entry.Open()))
        {
            text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        }

        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        await writer.WriteAsync(edit(text));
    }

    private static byte[] ReadEntry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
