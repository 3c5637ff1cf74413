namespace Orchestrator.Architecture.Tests;

/// <summary>The rules' own check, on inputs that break them: a rule that can pass on nothing is a defect.</summary>
public sealed class DependencyRulesTests
{
    [Fact]
    public void Forbidden_RestoreGraphWithLibtorch_NamesEveryOffendingPackage()
    {
        const string assets = """
            {"libraries": {
              "TorchSharp/0.107.0": {"type": "package"}, "libtorch-cpu-linux-x64/2.10.0": {"type": "package"},
              "Microsoft.ML.OnnxRuntime.Managed/1.32.0": {"type": "package"}, "System.CommandLine/3.0.0": {"type": "package"},
              "Orchestrator.Ml/1.0.0": {"type": "project"}
            }}
            """;

        DependencyRules.Forbidden(Repository.PackagesOf(assets), DependencyRules.MlRuntimes)
            .ShouldBe(["Microsoft.ML.OnnxRuntime.Managed", "TorchSharp", "libtorch-cpu-linux-x64"]);
    }

    [Fact]
    public void Forbidden_SimilarButAllowedNames_AreNotViolations() =>
        DependencyRules.Forbidden(["Orchestrator.Ml.Images", "MartenLike", "Orchestrator.Contracts"], ["Orchestrator.Ml", .. DependencyRules.Marten]).ShouldBeEmpty();
}
