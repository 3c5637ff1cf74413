using Orchestrator.Workflows.Policies;

namespace Orchestrator.Operations.Policies;

/// <summary>
/// A policy document failed validation (<see cref="PolicyValidator"/>): the catalog refuses to load, so start-up fails.
/// The message names the file, each problem's JSON pointer and its reason, one per line, e.g.
/// "policies/strict.json#/canary/minRequestz: unknown key ...".
/// </summary>
public sealed class InvalidPolicyException : InvalidOperationException
{
    /// <summary>How many problems the message lists at most.</summary>
    public const int Listed = 20;

    public InvalidPolicyException(string origin, IReadOnlyList<PolicyProblem> problems)
        : base(Describe(origin, problems))
    {
        Origin = origin;
        Problems = problems;
    }

    /// <summary>The file (or shipped resource) the document came from.</summary>
    public string Origin { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; }

    private static string Describe(string origin, IReadOnlyList<PolicyProblem> problems) =>
        $"policy document {origin} is not valid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}; see docs/policies.md):"
        + string.Concat(problems.Take(Listed).Select(p => $"{Environment.NewLine}  {origin}{p}"))
        + (problems.Count > Listed ? $"{Environment.NewLine}  ... and {problems.Count - Listed} more" : "");
}
