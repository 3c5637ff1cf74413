namespace Orchestrator.Architecture.Tests;

/// <summary>
/// The dependency rules (docs/architecture.md, ADR 0028): api does not reach into the activities or Ml's training,
/// the CLI is a client and carries no ML runtime, the workflows reference Temporalio and the shared contracts only,
/// the application core has no worker code. Each test also checks something the rule needs to be present, so an
/// empty or stale input cannot pass.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Api = "api/Orchestrator.Api";
    private const string Cli = "api/Orchestrator.Cli";
    private const string Hosting = "api/Orchestrator.Hosting";
    private const string Client = "api/Orchestrator.Client";
    private const string Activities = "activities/Orchestrator.Activities";
    private const string Ml = "activities/Orchestrator.Ml";
    private const string Operations = "activities/Orchestrator.Operations";
    private const string Workflows = "workflows/Orchestrator.Workflows";
    private const string Contracts = "workflows/Orchestrator.Contracts";

    [Fact]
    public void Api_ProjectReferences_NeitherTheActivitiesNorMl()
    {
        var references = Repository.ProjectReferences(Api);

        references.ShouldContain(Operations);
        references.ShouldNotContain(Activities);
        references.ShouldNotContain(Ml);
    }

    [Fact]
    public void Api_Assembly_UsesNoActivityNorTrainingCode()
    {
        // The workers an all-in-one process hosts come in through Orchestrator.Hosting; the API's own code never uses them.
        var references = Repository.AssemblyReferences(Api, "Orchestrator.Api");

        references.ShouldContain("Orchestrator.Operations");
        DependencyRules.Forbidden(references, ["Orchestrator.Activities", "Orchestrator.Ml", .. DependencyRules.MlRuntimes]).ShouldBeEmpty();
        DependencyRules.Forbidden(Repository.ReferencedNamespaces(Api, "Orchestrator.Api"), "Orchestrator.Activities*", "Orchestrator.Ml.Training*", "TorchSharp*")
            .ShouldBeEmpty();
    }

    [Fact]
    public void Cli_ProjectClosure_IsAClientNeverTheService()
    {
        var closure = Repository.ProjectClosure(Cli);

        closure.ShouldContain(Client);
        closure.Intersect([Api, Hosting, Operations, Activities, Ml]).ShouldBeEmpty();
    }

    [Fact]
    public void Cli_RestoredPackages_NoLibtorchNoOnnxRuntime()
    {
        var packages = Repository.RestoredPackages(Cli);

        packages.ShouldContain("System.CommandLine");
        DependencyRules.Forbidden(packages, DependencyRules.MlRuntimes).ShouldBeEmpty();
    }

    [Fact]
    public void Cli_Assembly_LinksNoMartenNoMlRuntimeNoServiceCode()
    {
        var references = Repository.AssemblyReferences(Cli, "orchestrator");

        references.ShouldContain("Orchestrator.Client");
        DependencyRules.Forbidden(references, [.. DependencyRules.MlRuntimes,
            "Orchestrator.Api", "Orchestrator.Operations", "Orchestrator.Activities", "Orchestrator.Ml", "Orchestrator.TemporalServer"]).ShouldBeEmpty();
        // Marten bundles its source generator, which runs on every project that restores Marten and marks the assembly with
        // an attribute; that marker is the only Marten-family type the CLI's assembly may name.
        Repository.TypeReferences(Cli, "orchestrator").Where(t => DependencyRules.Forbidden([t.Split(':')[0]], DependencyRules.Marten).Count > 0)
            .ShouldBeSubsetOf(["JasperFx.Events: JasperFx.Events.Aggregation.JasperFxSourceGeneratorAppliedAttribute"]);
    }

    [Fact]
    public void Cli_RestoredMarten_ComesOnlyThroughTheAuditProject()
    {
        // Offline bundle verification lives in the audit project, which is built on Marten: the package is in the CLI's
        // restore graph (never loaded by its commands) until the verifier moves to a Marten-free project of its own.
        DependencyRules.Forbidden(Repository.PackageReferences(Cli), DependencyRules.Marten).ShouldBeEmpty();
        Repository.ProjectClosure(Cli).Where(p => DependencyRules.Forbidden(Repository.PackageReferences(p), "Marten").Count > 0)
            .ShouldBe(["activities/Orchestrator.Audit"]);
    }

    [Fact]
    public void Workflows_Project_ReferencesOnlyTemporalioAndTheContracts()
    {
        Repository.ProjectReferences(Workflows).ShouldBeSubsetOf([Contracts]);
        Repository.PackageReferences(Workflows).Except(["Temporalio", "NexusRpc", "Microsoft.CodeAnalysis.BannedApiAnalyzers"]).ShouldBeEmpty();
    }

    [Fact]
    public void Workflows_Assembly_ReferencesOnlyTheBclTemporalioAndTheContracts()
    {
        var references = Repository.AssemblyReferences(Workflows, "Orchestrator.Workflows");

        references.ShouldContain("Temporalio");
        references.Where(r => !(r is "netstandard" or "mscorlib" or "Orchestrator.Contracts" or "NexusRpc" || r.StartsWith("System", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.Win32", StringComparison.Ordinal) || r.StartsWith("Temporalio", StringComparison.Ordinal))).ShouldBeEmpty();
    }

    [Fact]
    public void Contracts_Project_ReferencesNothing()
    {
        Repository.ProjectReferences(Contracts).ShouldBeEmpty();
        Repository.PackageReferences(Contracts).ShouldBeEmpty();
    }

    [Fact]
    public void Operations_ProjectClosure_HasNoWorkerNorHostCode()
    {
        var closure = Repository.ProjectClosure(Operations);

        closure.ShouldContain(Workflows);
        closure.Intersect([Activities, Hosting, Api, Cli]).ShouldBeEmpty();
    }
}
