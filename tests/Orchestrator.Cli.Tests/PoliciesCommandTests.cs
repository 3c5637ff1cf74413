using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cli.Client;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Cli.Tests;

/// <summary>`orchestrator policies validate|schema`: offline, as a policy author runs them before deploying a document.</summary>
public sealed class PoliciesCommandTests : IDisposable
{
    private const string DefaultV1Digest = "sha256:9f979542782f51e5e6d6ae5bd2034d678cab8e163346143365f1d90850671bfe";
    private readonly string _directory = Directory.CreateTempSubdirectory("orchestrator-policies-").FullName;

    private static string Shipped(string name) => Path.Combine(AppContext.BaseDirectory, "Policies", $"{name}.v1.json");

    [Fact]
    public async Task Validate_ShippedDefault_ExitsOkPrintingTheDigestTheCatalogPins()
    {
        var result = await Cli.RunAsync(null, "policies", "validate", Shipped("default"));

        result.ExitCode.ShouldBe(ExitCodes.Ok);
        result.Out.ShouldBe(DefaultV1Digest + Environment.NewLine);
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Validate_MisspeltKeyAndMissingSection_ExitsBadInputWithOneLinePerProblem()
    {
        var file = Edit("site.json", d =>
        {
            d["canary"]!["minRequestz"] = 20;
            d.Remove("evaluation");
        });

        var result = await Cli.RunAsync(null, "policies", "validate", file);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Out.TrimEnd().Split(Environment.NewLine).ShouldBe([$"{file}#/canary/minRequestz: unknown key \"minRequestz\" (did you mean \"minRequests\"?)"]);
    }

    [Fact]
    public async Task Validate_SemanticProblems_EachOnItsOwnLine()
    {
        var file = Edit("ranges.json", d =>
        {
            d["approval"]!["quorum"] = 0;
            d["drift"]!["ksAlpha"] = 1.5;
            d.Remove("evaluation");
        });

        var result = await Cli.RunAsync(null, "policies", "validate", file);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        var lines = result.Out.TrimEnd().Split(Environment.NewLine);
        lines.Select(l => l[..l.IndexOf(':', file.Length)]).ShouldBe([$"{file}#/evaluation", $"{file}#/approval/quorum", $"{file}#/drift/ksAlpha"]);
    }

    [Fact]
    public async Task Validate_ManyProblems_PrintsTheFirstAndCountsTheRest()
    {
        var file = Edit("many.json", d =>
        {
            for (var i = 0; i < 25; i++)
            {
                d[$"unknown{i}"] = i;
            }
        });

        var result = await Cli.RunAsync(null, "policies", "validate", file);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        var lines = result.Out.TrimEnd().Split(Environment.NewLine);
        lines.Length.ShouldBe(Commands.PoliciesCommand.Shown + 1);
        lines[^1].ShouldBe($"{file}: ... and 5 more problems");
    }

    [Fact]
    public async Task Validate_Json_ReportsValidityDigestAndProblems()
    {
        var valid = await Cli.RunAsync(null, "policies", "validate", Shipped("demo"), "--json");
        var invalid = await Cli.RunAsync(null, "policies", "validate", Edit("quorum.json", d => d["approval"]!["quorum"] = 0), "--json");

        var good = JsonDocument.Parse(valid.Out).RootElement;
        good.GetProperty("valid").GetBoolean().ShouldBeTrue();
        good.GetProperty("name").GetString().ShouldBe("demo");
        good.GetProperty("digest").GetString()!.ShouldStartWith("sha256:");
        invalid.ExitCode.ShouldBe(ExitCodes.BadInput);
        var bad = JsonDocument.Parse(invalid.Out).RootElement;
        bad.GetProperty("valid").GetBoolean().ShouldBeFalse();
        bad.GetProperty("digest").ValueKind.ShouldBe(JsonValueKind.Null);
        bad.GetProperty("problems")[0].GetProperty("pointer").GetString().ShouldBe("/approval/quorum");
    }

    [Fact]
    public async Task Validate_NoSuchFile_ExitsBadInputWithOneLine()
    {
        var result = await Cli.RunAsync(null, "policies", "validate", Path.Combine(_directory, "missing.json"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain("no file at");
    }

    [Fact]
    public async Task Schema_PrintsTheGeneratedSchema()
    {
        var result = await Cli.RunAsync(null, "policies", "schema");

        result.ExitCode.ShouldBe(ExitCodes.Ok);
        result.Out.ShouldBe(PolicySchema.Text);
    }

    private string Edit(string name, Action<JsonObject> edit)
    {
        var document = JsonNode.Parse(File.ReadAllText(Shipped("default")))!.AsObject();
        document["name"] = "site";
        edit(document);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
