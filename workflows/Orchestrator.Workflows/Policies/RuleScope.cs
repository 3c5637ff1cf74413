using System.Globalization;

namespace Orchestrator.Workflows.Policies;

/// <summary>Range checks on the keys of one section, each failure recorded at "/section/key" with the value it found.</summary>
internal sealed class RuleScope(List<PolicyProblem> problems, string pointer)
{
    /// <summary>A problem found elsewhere, at "/section/" + <paramref name="subPointer"/> (already a JSON pointer path).</summary>
    public void Add(string subPointer, string reason) => problems.Add(new($"{pointer}/{subPointer}", reason));

    public void Require(string key, bool holds, string reason)
    {
        if (!holds)
        {
            problems.Add(new($"{pointer}/{SchemaCheck.Escape(key)}", reason));
        }
    }

    /// <summary>A share, rate, accuracy or other fraction: 0 to 1 inclusive.</summary>
    public void Fraction(string key, double? value) =>
        Require(key, value is not { } v || v is >= 0 and <= 1, $"must be between 0 and 1, not {Show(value)}");

    /// <summary>A significance level: strictly between 0 and 1 (0 never rejects, 1 always does).</summary>
    public void Significance(string key, double? value) =>
        Require(key, value is not { } v || v is > 0 and < 1, $"must be greater than 0 and less than 1, not {Show(value)}");

    /// <summary>An agreement coefficient (kappa, alpha): -1 to 1 inclusive.</summary>
    public void Coefficient(string key, double? value) =>
        Require(key, value is not { } v || v is >= -1 and <= 1, $"must be between -1 and 1, not {Show(value)}");

    public void AtLeast(string key, double? value, double minimum) =>
        Require(key, value is not { } v || v >= minimum, $"must be {Show(minimum)} or more, not {Show(value)}");

    public void Positive(string key, double? value) =>
        Require(key, value is not { } v || v > 0, $"must be greater than 0, not {Show(value)}");

    public void Positive(string key, TimeSpan? value) =>
        Require(key, value is not { } v || v > TimeSpan.Zero, $"must be a time span greater than zero, not \"{value}\"");

    public void NotNegative(string key, TimeSpan? value) =>
        Require(key, value is not { } v || v >= TimeSpan.Zero, $"must not be a negative time span (\"{value}\")");

    private static string Show(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
