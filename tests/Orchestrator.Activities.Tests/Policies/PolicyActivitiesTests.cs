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
    public async Task LoadPolicy_RunStartedWithADigest_PinsExactlyThatDocument()
    {
        File.WriteAllText(Path.Combine(_directory, "v2.json"), Shipped().Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));
        var catalog = Catalog(_directory);
        var v1 = catalog.Find(new PolicyRef("default", 1))!;

        // The API resolved "default" to v1 before v2 was published: the run keeps v1 although v2 is now the latest.
        var pinned = await new ActivityEnvironment().RunAsync(() => new PolicyActivities(catalog).LoadPolicyAsync(new IPolicyActivities.Input("run", new PolicyRef("default"), v1.Digest)));

        pinned.Version.ShouldBe(1);
        pinned.Digest.ShouldBe(v1.Digest);
    }

    [Fact]
    public async Task LoadPolicy_DigestOfAnotherPolicy_RefusedWithoutRetry()
    {
        var catalog = Catalog();
        var demo = catalog.Find(new PolicyRef("demo"))!;

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            new ActivityEnvironment().RunAsync(() => new PolicyActivities(catalog).LoadPolicyAsync(new IPolicyActivities.Input("run", new PolicyRef("default", 1), demo.Digest))));

        error.NonRetryable.ShouldBeTrue();
        error.ErrorType.ShouldBe("PolicyViolation");
        error.Message.ShouldContain("is policy 'demo'");
    }

    [Fact]
    public async Task LoadPolicy_DigestThisWorkerDoesNotHold_RefusedWithoutRetry()
    {
        var unknown = Digest.FromHex(new string('7', 64)).ToString();

        var error = await Should.ThrowAsync<ApplicationFailureException>(() =>
            new ActivityEnvironment().RunAsync(() => new PolicyActivities(Catalog()).LoadPolicyAsync(new IPolicyActivities.Input("run", new PolicyRef("default"), unknown))));

        error.NonRetryable.ShouldBeTrue();
        error.ErrorType.ShouldBe("NotFound");
        error.Message.ShouldContain(unknown);
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

        Should.Throw<InvalidPolicyException>(() => Catalog(_directory)).Message.ShouldContain("broken.json");
    }

    private static string Shipped()
    {
        using var stream = typeof(PolicyCatalog).Assembly.GetManifestResourceStream("policies/default.v1.json")!;
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
