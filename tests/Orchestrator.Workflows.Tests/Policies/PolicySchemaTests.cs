using System.Text.Json.Nodes;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Workflows.Tests.Policies;

public sealed class PolicySchemaTests
{
    /// <summary>Set to 1 to rewrite docs/policy.schema.json from the types instead of comparing (then commit the file).</summary>
    private const string Regenerate = "ORCHESTRATOR_WRITE_POLICY_SCHEMA";

    [Fact]
    public void CheckedInSchema_EqualsTheGeneratedOne()
    {
        var path = Path.Combine(PolicyDocuments.RepositoryRoot(), "docs", "policy.schema.json");
        if (Environment.GetEnvironmentVariable(Regenerate) == "1")
        {
            File.WriteAllText(path, PolicySchema.Text);
        }

        File.ReadAllText(path).ReplaceLineEndings("\n").ShouldBe(PolicySchema.Text,
            $"docs/policy.schema.json is stale: regenerate it with `{Regenerate}=1 dotnet test --project tests/Orchestrator.Workflows.Tests --filter-class '*PolicySchemaTests'` or `./orchestrator policies schema > docs/policy.schema.json`");
    }

    [Fact]
    public void Schema_UsesOnlyKeywordsTheValidatorChecks()
    {
        var keywords = new HashSet<string>(StringComparer.Ordinal);
        Collect(PolicySchema.Node(), keywords);

        keywords.ShouldContain("additionalProperties");
        keywords.ShouldContain("required");
        keywords.Except(SchemaCheck.Keywords).Except(SchemaCheck.Annotations).ShouldBeEmpty();
    }

    [Fact]
    public void Schema_EveryObjectIsClosedToUnknownKeys()
    {
        var objects = new List<JsonObject>();
        Objects(PolicySchema.Node(), objects);

        objects.Count.ShouldBeGreaterThanOrEqualTo(9);
        objects.ShouldAllBe(o => o["additionalProperties"] != null && !o["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void Schema_DescribesWhatTheAuthorWrites_NotComputedMembers()
    {
        var retention = PolicySchema.Node()["properties"]!["retention"]!["properties"]!.AsObject();

        retention.Select(p => p.Key).ShouldBe(["deleteArtifacts", "retention", "legalHold", "supersededGracePeriod"]);
    }

    [Fact]
    public void Document_HoldsEveryKeyTheWorkflowDecidesWith()
    {
        // GovernanceTerms is read from the same bytes; a key it gains must be a key of the document, or strict documents refuse it.
        var document = typeof(GovernanceDocument).GetProperties().ToDictionary(p => p.Name, p => p.PropertyType);

        foreach (var term in typeof(GovernanceTerms).GetProperties())
        {
            document.ShouldContainKey(term.Name);
            document[term.Name].ShouldBe(term.PropertyType);
        }
    }

    private static void Collect(JsonNode? node, HashSet<string> keywords)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        foreach (var (key, value) in schema)
        {
            keywords.Add(key);
            if (key == "properties")
            {
                foreach (var (_, property) in value!.AsObject())
                {
                    Collect(property, keywords);
                }
            }
            else if (key == "items")
            {
                Collect(value, keywords);
            }
        }
    }

    private static void Objects(JsonNode? node, List<JsonObject> objects)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            objects.Add(schema);
            foreach (var (_, property) in properties)
            {
                Objects(property, objects);
            }
        }

        Objects(schema["items"], objects);
    }
}
