using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Operations.Policies;

namespace Orchestrator.Api.Tests.Policies;

/// <summary>A policy that fails validation is never used: the API does not start with one in its policy directory.</summary>
public sealed class PolicyStartupTests(ApiFactory api) : IClassFixture<ApiFactory>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("api-policies-").FullName;

    [Fact]
    public void Startup_PolicyDirectoryWithAMisspeltKey_FailsNamingFilePointerAndReason()
    {
        using var stream = typeof(PolicyCatalog).Assembly.GetManifestResourceStream("policies/default.v1.json")!;
        var document = JsonNode.Parse(stream)!.AsObject();
        document["name"] = "site";
        document["quality"]!["minGoldAuditReviewd"] = 30;
        var file = Path.Combine(_directory, "site.v1.json");
        File.WriteAllText(file, document.ToJsonString());
        using var misconfigured = api.WithWebHostBuilder(b => b.UseSetting("Orchestrator:Policies:Directory", _directory));

        var error = Should.Throw<Exception>(() => misconfigured.CreateClient());

        error.ToString().ShouldContain($"{file}#/quality/minGoldAuditReviewd: unknown key \"minGoldAuditReviewd\" (did you mean \"minGoldAuditReviewed\"?)");
    }

    [Fact]
    public void Startup_ValidPolicyDirectory_Starts()
    {
        using var stream = typeof(PolicyCatalog).Assembly.GetManifestResourceStream("policies/default.v1.json")!;
        var document = JsonNode.Parse(stream)!.AsObject();
        document["name"] = "site";
        File.WriteAllText(Path.Combine(_directory, "site.v1.json"), document.ToJsonString());
        using var configured = api.WithWebHostBuilder(b => b.UseSetting("Orchestrator:Policies:Directory", _directory));

        using var client = configured.CreateClient();

        configured.Services.GetRequiredService<PolicyCatalog>().Find(new("site"))!.Version.ShouldBe(1);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
