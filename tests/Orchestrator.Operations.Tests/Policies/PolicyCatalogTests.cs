using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Ledger;
using Orchestrator.Operations.Hosting;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Operations.Tests.Policies;

public sealed class PolicyCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("policy-catalog-").FullName;

    private static PolicyCatalog Catalog(string? directory = null) => new(Options.Create(new PolicyCatalogOptions { Directory = directory }));

    [Theory]
    [InlineData("default", "sha256:9f979542782f51e5e6d6ae5bd2034d678cab8e163346143365f1d90850671bfe")]
    [InlineData("demo", "sha256:e781a784df5de270099082d6e4e525c9a9664103bc0a0c8e6d44d9f65074f849")]
    public void Shipped_V1Documents_KeepTheDigestsRunsPinned(string name, string digest)
    {
        // Recorded runs pin these digests; strict validation accepts the documents as they were shipped.
        var document = Catalog().Find(new PolicyRef(name, 1))!;

        document.Digest.ShouldBe(digest);
        PolicyValidator.Validate(document.Json).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Directory_DocumentWithMisspeltKey_RefusedNamingFilePointerAndKey()
    {
        Write("typo.json", d => d["canary"]!["minRequestz"] = 20);

        var error = Should.Throw<InvalidPolicyException>(() => Catalog(_directory));

        error.Origin.ShouldEndWith("typo.json");
        error.Message.ShouldContain($"{Path.Combine(_directory, "typo.json")}#/canary/minRequestz: unknown key \"minRequestz\"");
    }

    [Fact]
    public void Directory_DocumentWithoutEvaluation_RefusedUnlessWaived()
    {
        Write("no-evaluation.json", d => d.Remove("evaluation"));
        Should.Throw<InvalidPolicyException>(() => Catalog(_directory)).Message.ShouldContain("no-evaluation.json#/evaluation: section \"evaluation\" is missing");

        Write("no-evaluation.json", d =>
        {
            d.Remove("evaluation");
            d["waivers"] = new JsonArray(new JsonObject { ["check"] = "evaluation", ["reason"] = "evaluated by the partner lab" });
        });
        var catalog = Catalog(_directory);

        catalog.Find(new PolicyRef("custom"))!.Version.ShouldBe(1);
        catalog.Section<Workflows.Evaluate.EvaluationPolicy>(catalog.Find(new PolicyRef("custom"))!.Digest, "evaluation").ShouldBeNull();
    }

    [Fact]
    public void Directory_ImpossibleQuorum_NeverLoaded()
    {
        Write("quorum.json", d => d["approval"]!["quorum"] = 0);

        Should.Throw<InvalidPolicyException>(() => Catalog(_directory)).Problems.ShouldHaveSingleItem().Location.ShouldBe("/approval/quorum");
    }

    [Fact]
    public async Task HostStart_BadPolicyDirectory_FailsNamingTheFile()
    {
        Write("bad.json", d => d["drift"]!["ksAlpha"] = 1.5);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Policies:Directory"] = _directory,
            ["Orchestrator:Blob:ConnectionString"] = "UseDevelopmentStorage=true",
        });
        // A host-provided ledger that is never opened, so nothing connects before the settings are checked.
        builder.Services.AddSingleton<IAuditLedger>(_ => throw new InvalidOperationException("no ledger in this test"));
        builder.Services.AddOrchestratorBackends(builder.Configuration);
        using var host = builder.Build();

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain($"{Path.Combine(_directory, "bad.json")}#/drift/ksAlpha: must be greater than 0 and less than 1, not 1.5");
    }

    private void Write(string file, Action<JsonObject> edit)
    {
        using var stream = typeof(PolicyCatalog).Assembly.GetManifestResourceStream("policies/default.v1.json")!;
        var document = JsonNode.Parse(stream)!.AsObject();
        document["name"] = "custom";
        edit(document);
        File.WriteAllText(Path.Combine(_directory, file), document.ToJsonString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
