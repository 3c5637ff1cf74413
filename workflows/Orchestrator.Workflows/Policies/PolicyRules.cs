using System.Text.Json;

namespace Orchestrator.Workflows.Policies;

/// <summary>
/// The rules a well-typed policy document must still meet: every section present or waived as a whole, waivers that name
/// a section and give a reason, value ranges (shares and rates in [0, 1], significance levels in (0, 1), positive
/// windows and counts), and an approval quorum that eligible approvers can meet. Rules name the keys of the records they
/// check, so a section gaining keys leaves them standing; a new key's own range belongs here beside its section's.
/// </summary>
public static class PolicyRules
{
    /// <summary>Every rule the document breaks, in document order of sections.</summary>
    public static IReadOnlyList<PolicyProblem> Check(GovernanceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<PolicyProblem>();
        var root = new RuleScope(problems, "");
        root.Require(Key(nameof(document.Name)), !string.IsNullOrWhiteSpace(document.Name), "must not be empty");
        root.Require(Key(nameof(document.Version)), document.Version >= 1, $"must be 1 or more, not {document.Version}");
        root.AtLeast(Key(nameof(document.MaxAnnotationRounds)), document.MaxAnnotationRounds, 0);
        Sections(document, problems);
        Waivers(document.Waivers ?? [], problems);
        SectionRules.Approval(document.Approval, Scope(problems, nameof(document.Approval)));
        SectionRules.Canary(document.Canary, Scope(problems, nameof(document.Canary)));
        SectionRules.Training(document.Training, Scope(problems, nameof(document.Training)));
        if (document.Quality is { } quality)
        {
            SectionRules.Quality(quality, Scope(problems, nameof(document.Quality)));
        }

        if (document.Evaluation is { } evaluation)
        {
            SectionRules.Evaluation(evaluation, Scope(problems, nameof(document.Evaluation)));
        }

        if (document.Drift is { } drift)
        {
            SectionRules.Drift(drift, Scope(problems, nameof(document.Drift)));
        }

        if (document.Retention is { } retention)
        {
            SectionRules.Retention(retention, Scope(problems, nameof(document.Retention)));
        }

        return problems;
    }

    /// <summary>A C# member name as its policy key ("MinRequests" as "minRequests").</summary>
    internal static string Key(string member) => JsonNamingPolicy.CamelCase.ConvertName(member);

    private static RuleScope Scope(List<PolicyProblem> problems, string section) => new(problems, $"/{Key(section)}");

    /// <summary>A section the schema does not require is present, or the whole section is waived with a reason.</summary>
    private static void Sections(GovernanceDocument document, List<PolicyProblem> problems)
    {
        var info = PolicySchema.Options.GetTypeInfo(typeof(GovernanceDocument));
        foreach (var (key, _) in PolicyValidator.Sections().Where(s => !s.Required))
        {
            var present = info.Properties.Single(p => p.Name == key).Get!(document) is not null;
            if (!present && !(document.Waivers ?? []).Any(w => string.Equals(w.Check, key, StringComparison.Ordinal)))
            {
                problems.Add(new($"/{key}", $"section \"{key}\" is missing; write it, or waive it as a whole: \"waivers\": [{{ \"check\": \"{key}\", \"reason\": \"...\" }}]"));
            }
        }
    }

    private static void Waivers(IReadOnlyList<PolicyWaiver> waivers, List<PolicyProblem> problems)
    {
        var sections = PolicyValidator.Sections().Select(s => s.Key).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < waivers.Count; i++)
        {
            var at = $"/{Key(nameof(GovernanceDocument.Waivers))}/{i}";
            var waiver = waivers[i];
            var parts = waiver.Check.Split('.');
            if (!sections.Contains(parts[0], StringComparer.Ordinal))
            {
                problems.Add(new($"{at}/check", $"\"{waiver.Check}\" names no section; a waiver names a section ({string.Join(", ", sections)}) or \"section.check\""));
            }
            else if (parts.Length > 2 || parts.Skip(1).Any(p => !IsCheckName(p)))
            {
                problems.Add(new($"{at}/check", $"\"{waiver.Check}\" is not \"section\" or \"section.check\" (a check name is lowercase words joined by '-')"));
            }
            else if (!seen.Add(waiver.Check))
            {
                problems.Add(new($"{at}/check", $"\"{waiver.Check}\" is waived more than once"));
            }

            if (string.IsNullOrWhiteSpace(waiver.Reason))
            {
                problems.Add(new($"{at}/reason", "a waiver needs a reason: it is recorded with the evidence and shown to approvers"));
            }
        }
    }

    private static bool IsCheckName(string name) =>
        name.Length > 0 && name.Split('-').All(word => word.Length > 0 && word.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9'));
}
