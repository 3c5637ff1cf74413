using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Workflows.Policies;

/// <summary>
/// Checks a JSON value against the generated policy schema: the subset of JSON Schema 2020-12 that
/// <see cref="System.Text.Json.Schema.JsonSchemaExporter"/> writes for plain records (type, properties, required,
/// additionalProperties, items, enum, pattern, $ref). <see cref="Keywords"/> names that subset; a test fails when the
/// exported schema uses any other keyword, so the schema and this check cannot silently disagree.
/// Reports every problem, not just the first, and duplicate keys (which a reader would otherwise resolve silently).
/// </summary>
public static class SchemaCheck
{
    /// <summary>Keywords this check enforces.</summary>
    public static IReadOnlyList<string> Keywords { get; } = ["type", "properties", "required", "additionalProperties", "items", "enum", "pattern", "$ref"];

    /// <summary>Keywords that annotate and constrain nothing.</summary>
    public static IReadOnlyList<string> Annotations { get; } = ["$schema", "$comment", "title", "description", "default"];

    /// <summary>Adds to <paramref name="problems"/> every way <paramref name="value"/> breaks <paramref name="schema"/>.</summary>
    public static void Check(JsonElement value, JsonObject schema, List<PolicyProblem> problems) => Check(value, schema, schema, "", problems);

    /// <summary>A JSON pointer reference token: "~" as "~0", "/" as "~1" (RFC 6901).</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static void Check(JsonElement value, JsonObject schema, JsonObject root, string pointer, List<PolicyProblem> problems)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            Check(value, Resolve(root, reference.GetValue<string>()), root, pointer, problems);
            return;
        }

        if (schema["type"] is { } type && !TypeMatches(value, type))
        {
            problems.Add(new(pointer, $"expected {Describe(type)}, found {Describe(value)}"));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, JsonNode.Parse(value.GetRawText()))))
        {
            problems.Add(new(pointer, $"{value.GetRawText()} is not one of {allowed.ToJsonString()}"));
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when schema["pattern"] is JsonValue pattern
                                           && !Regex.IsMatch(value.GetString()!, pattern.GetValue<string>(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)):
                problems.Add(new(pointer, $"\"{value.GetString()}\" is not in the expected format ({Format(schema)})"));
                break;
            case JsonValueKind.Object:
                CheckObject(value, schema, root, pointer, problems);
                break;
            case JsonValueKind.Array when schema["items"] is JsonObject items:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, items, root, $"{pointer}/{index++}", problems);
                }

                break;
        }
    }

    private static void CheckObject(JsonElement value, JsonObject schema, JsonObject root, string pointer, List<PolicyProblem> problems)
    {
        var properties = schema["properties"] as JsonObject;
        var closed = schema["additionalProperties"] is JsonValue extra && extra.GetValueKind() == JsonValueKind.False;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var at = $"{pointer}/{Escape(property.Name)}";
            if (!seen.Add(property.Name))
            {
                problems.Add(new(at, $"key \"{property.Name}\" appears more than once"));
            }
            else if (properties?[property.Name] is JsonObject propertySchema)
            {
                Check(property.Value, propertySchema, root, at, problems);
            }
            else if (closed)
            {
                problems.Add(new(at, $"unknown key \"{property.Name}\"{Suggestion(property.Name, properties)}"));
            }
        }

        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).Where(r => !seen.Contains(r)))
        {
            problems.Add(new($"{pointer}/{Escape(required)}", $"required key \"{required}\" is missing"));
        }
    }

    private static string Suggestion(string key, JsonObject? properties)
    {
        var known = properties?.Select(p => p.Key).ToList() ?? [];
        var close = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            ?? known.Where(k => Distance(k.ToLowerInvariant(), key.ToLowerInvariant()) <= 2).OrderBy(k => Distance(k, key)).FirstOrDefault();
        return close is null
            ? $" (allowed here: {(known.Count == 0 ? "none" : string.Join(", ", known))})"
            : $" (did you mean \"{close}\"?)";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    private static bool TypeMatches(JsonElement value, JsonNode type) => type is JsonArray any
        ? any.Any(t => KindMatches(value, t!.GetValue<string>()))
        : KindMatches(value, type.GetValue<string>());

    private static bool KindMatches(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d),
        _ => throw new InvalidOperationException($"the policy schema uses type \"{type}\", which this check does not know"),
    };

    private static string Describe(JsonNode type) => type is JsonArray any ? string.Join(" or ", any.Select(t => t!.GetValue<string>())) : type.GetValue<string>();

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };

    private static string Format(JsonObject schema) =>
        schema["$comment"]?.GetValue<string>() is { } comment && comment.Contains("TimeSpan", StringComparison.Ordinal)
            ? "a time span such as \"00:00:30\" or \"1.00:00:00\""
            : $"pattern {schema["pattern"]!.GetValue<string>()}";

    private static JsonObject Resolve(JsonObject root, string reference)
    {
        if (!reference.StartsWith('#'))
        {
            throw new InvalidOperationException($"the policy schema refers outside itself ({reference})");
        }

        JsonNode current = root;
        foreach (var token in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current is JsonArray array ? array[int.Parse(name, CultureInfo.InvariantCulture)]! : current[name]!;
        }

        return current.AsObject();
    }
}
