using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Workflows.Policies;

/// <summary>One reason a policy document is refused: where (an RFC 6901 JSON pointer, "" for the whole document) and why.</summary>
public sealed record PolicyProblem(string Location, string Reason)
{
    /// <summary>"#/canary/minRequestz: ..." (the pointer as a URI fragment, so the whole document reads "#").</summary>
    public override string ToString() => $"#{Location}: {Reason}";
}

/// <summary>The outcome of validating one document: the document when it is valid, otherwise every problem found, in document order.</summary>
public sealed record PolicyValidation(GovernanceDocument? Document, IReadOnlyList<PolicyProblem> Problems)
{
    /// <summary>True when the document can be used: nothing was found wrong.</summary>
    public bool IsValid => Document is not null && Problems.Count == 0;
}

/// <summary>
/// Decides whether a policy document may be used. Three passes, each over the same types: the document against the
/// schema generated from <see cref="GovernanceDocument"/> (<see cref="PolicySchema"/>: unknown, duplicate and missing keys,
/// types, formats), then the strict read with <see cref="PolicySchema.Options"/>, then the semantic rules
/// (<see cref="PolicyRules"/>: sections present or waived, value ranges, quorum, waivers). Pure: bytes in, problems out.
/// </summary>
public static class PolicyValidator
{
    private static readonly JsonDocumentOptions Reading = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 32 };

    /// <summary>Validates the UTF-8 bytes of a policy document.</summary>
    public static PolicyValidation Validate(ReadOnlyMemory<byte> json)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, Reading);
        }
        catch (JsonException e)
        {
            return Refused(new PolicyProblem("", $"not a JSON document: {e.Message}"));
        }

        using (parsed)
        {
            var problems = new List<PolicyProblem>();
            SchemaCheck.Check(parsed.RootElement, PolicySchema.Node(), problems);
            if (problems.Count > 0)
            {
                return new PolicyValidation(null, problems);
            }
        }

        GovernanceDocument document;
        try
        {
            document = JsonSerializer.Deserialize<GovernanceDocument>(json.Span, PolicySchema.Options)
                ?? throw new JsonException("the document is null", "$", null, null);
        }
        catch (JsonException e)
        {
            // The schema pass catches nearly everything; what is left (a number beyond its type's range, a time span
            // the converter refuses) is reported where the reader stopped.
            return Refused(new PolicyProblem(Pointer(e.Path), e.Message));
        }

        var semantic = PolicyRules.Check(document);
        return new PolicyValidation(semantic.Count == 0 ? document : null, semantic);
    }

    /// <summary>The document's sections: its object-valued keys (JSON names) and whether the schema requires each.</summary>
    public static IReadOnlyList<(string Key, bool Required)> Sections()
    {
        var info = PolicySchema.Options.GetTypeInfo(typeof(GovernanceDocument));
        return [.. info.Properties
            .Where(p => PolicySchema.Options.GetTypeInfo(p.PropertyType).Kind == JsonTypeInfoKind.Object)
            .Select(p => (p.Name, p.IsRequired))];
    }

    private static PolicyValidation Refused(PolicyProblem problem) => new(null, [problem]);

    /// <summary>"$.canary.window" or "$.approval.eligibleRoles[1]" (System.Text.Json's path) as "/canary/window", "/approval/eligibleRoles/1".</summary>
    private static string Pointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }

        var pointer = new System.Text.StringBuilder();
        foreach (var part in path.TrimStart('$').Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal)
                     .Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            pointer.Append('/').Append(SchemaCheck.Escape(part));
        }

        return pointer.ToString();
    }
}
