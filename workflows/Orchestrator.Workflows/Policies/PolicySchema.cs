using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Workflows.Policies;

/// <summary>
/// The published JSON Schema of a policy document, generated from <see cref="GovernanceDocument"/> and the section
/// records it names (System.Text.Json's <see cref="JsonSchemaExporter"/>), never written by hand: a key a section gains
/// is in the schema as soon as its record has it. docs/policy.schema.json is this text (a test compares them;
/// <c>./orchestrator policies schema &gt; docs/policy.schema.json</c> regenerates it), and GET /api/policies/schema serves it.
/// </summary>
public static class PolicySchema
{
    /// <summary>The JSON Schema dialect the exporter writes.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>
    /// How a policy document is read strictly: camelCase names matched exactly, unknown keys and duplicate keys refused,
    /// numbers as numbers, constructor parameters without a default required, non-nullable members never null.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The schema as indented text with "\n" line ends and a final line end (what docs/policy.schema.json holds).</summary>
    public static string Text { get; } = Render();

    /// <summary>A fresh copy of the schema.</summary>
    public static JsonObject Node() => JsonNode.Parse(Text)!.AsObject();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WrittenKeysOnly } },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>A document holds what a policy author writes: a computed member (RetentionPolicy.GracePeriod) is no key of it.</summary>
    private static void WrittenKeysOnly(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var computed in info.Properties.Where(p => p.Set is null && p.AssociatedParameter is null).ToList())
        {
            info.Properties.Remove(computed);
        }
    }

    private static string Render()
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(Options, typeof(GovernanceDocument), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var root = new JsonObject
        {
            ["$schema"] = Dialect,
            ["title"] = "Orchestrator governance policy document",
            ["description"] = "Generated from the C# policy types (Orchestrator.Workflows.Policies.GovernanceDocument); see docs/policies.md. "
                + "Sections that are not required must be present or waived as a whole in \"waivers\"; value ranges are checked by the validator.",
        };
        foreach (var (key, value) in schema.AsObject().ToList())
        {
            schema.AsObject().Remove(key);
            root[key] = value;
        }

        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text.ReplaceLineEndings("\n") + "\n";
    }
}
