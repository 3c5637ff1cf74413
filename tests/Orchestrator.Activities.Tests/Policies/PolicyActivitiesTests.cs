using Microsoft.Extensions.Options;
using Orchestrator.Activities.Policies;
using Orchestrator.Contracts;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.QualityControl;
using Temporalio.Exceptions;
using Temporalio.Testing;

namespace Orchestrator.Activities.Tests.Policies;

public sealed class PolicyActivitiesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("policies-").FullName;

    private static PolicyCatalog Catalog(string? directory = null) => new(Options.Create(new PolicyCatalogOptions { Directory = directory }));

    [Fact]
    public async Task LoadPolicy_ShippedDefault_PinsTermsAndDigest()
    {
        var pinned = await new ActivityEnvironment().RunAsync(() => new PolicyActivities(Catalog()).LoadPolicyAsync(new IPolicyActivities.Input("run", new PolicyRef("default"))));

        pinned.Version.ShouldBe(1);
        pinned.Digest.ShouldStartWith(Digest.Prefix);
        pinned.Terms.Approval.Quorum.ShouldBe(2);
        pinned.Terms.Approval.Deadline.ShouldBe(TimeSpan.FromDays(3));
    }

    [Fact]
    public void Section_QualityOfPinnedDigest_ReadsThatVersionsThresholds()
    {
        var catalog = Catalog();
        var digest = catalog.Find(new PolicyRef("default"))!.Digest;

        var quality = catalog.Section<QcPolicy>(digest, "quality");

        quality!.MinFleissKappa.ShouldBe(0.6);
    }

    [Fact]
    public async Task LoadPolicy_UnknownVersion_FailsWithoutRetry()
    {
        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            new ActivityEnvironment().RunAsync(() => new PolicyActivities(Catalog()).LoadPolicyAsync(new IPolicyActivities.Input("run", new PolicyRef("default", 99)))));

        error.NonRetryable.ShouldBeTrue();
        error.Message.ShouldContain("version 99");
    }

    [Fact]
    public void Catalog_DirectoryAddsNewerVersion_LatestIsChosen()
    {
        File.WriteAllText(Path.Combine(_directory, "strict.json"), Shipped().Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));

        Catalog(_directory).Find(new PolicyRef("default"))!.Version.ShouldBe(2);
    }

    [Fact]
    public void Catalog_SameVersionWithOtherContent_IsRefused()
    {
        File.WriteAllText(Path.Combine(_directory, "tampered.json"), Shipped().Replace("\"quorum\": 2", "\"quorum\": 1", StringComparison.Ordinal));

        Should.Throw<InvalidDataException>(() => Catalog(_directory)).Message.ShouldContain("defined twice");
    }

    [Fact]
    public void Catalog_MalformedDocument_NamesTheFile()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.json"), "{ \"name\": ");

        Should.Throw<InvalidDataException>(() => Catalog(_directory)).Message.ShouldContain("broken.json");
    }

    private static string Shipped()
    {
        using var stream = typeof(PolicyCatalog).Assembly.GetManifestResourceStream("policies/default.v1.json")!;
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
