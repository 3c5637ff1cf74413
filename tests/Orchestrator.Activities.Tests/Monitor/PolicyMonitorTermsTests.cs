using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Activities.Tests.Monitor;

/// <summary>The monitor decides with the "drift" and "retention" sections the run pinned, so the terms must load from the policy JSON.</summary>
public sealed class PolicyMonitorTermsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-policies-").FullName;

    [Fact]
    public void Terms_ShippedDefault_CarriesDriftAndRetention()
    {
        var catalog = new PolicyCatalog(Options.Create(new PolicyCatalogOptions()));

        var terms = PolicyCatalog.Terms(catalog.Find(new PolicyRef("default"))!);

        terms.Drift.ShouldNotBeNull();
        terms.Drift.CheckInterval.ShouldBe(TimeSpan.FromHours(1));
        terms.Drift.MinSamples.ShouldBe(200);
        terms.Drift.MinOnlineAccuracy.ShouldBe(0.85);
        terms.Retention.ShouldNotBeNull();
        terms.Retention.GracePeriod.ShouldBe(TimeSpan.FromDays(1));
    }

    [Fact]
    public void Terms_PolicyWaivingMonitorSections_LeavesThemNull()
    {
        var shipped = new PolicyCatalog(Options.Create(new PolicyCatalogOptions())).Find(new PolicyRef("default"))!;
        var json = JsonNode.Parse(shipped.Json)!.AsObject();
        json.Remove("drift");
        json.Remove("retention");
        json["name"] = "no-monitoring";
        json["waivers"] = new JsonArray(
            new JsonObject { ["check"] = "drift", ["reason"] = "the monitor's built-in terms apply" },
            new JsonObject { ["check"] = "retention", ["reason"] = "the built-in retention applies" });
        File.WriteAllText(Path.Combine(_directory, "no-monitoring.json"), json.ToJsonString());
        var catalog = new PolicyCatalog(Options.Create(new PolicyCatalogOptions { Directory = _directory }));

        var terms = PolicyCatalog.Terms(catalog.Find(new PolicyRef("no-monitoring"))!);

        terms.Drift.ShouldBeNull();
        terms.Retention.ShouldBeNull();
        terms.Approval.Quorum.ShouldBe(2);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
