using System.Globalization;

namespace Orchestrator.Ml;

/// <summary>
/// The checks the public statistics share, so each says what is wrong with its input in the same words:
/// which statistic, which argument, which value at which position.
/// </summary>
internal static class InputChecks
{
    /// <summary>How far a row of float probabilities may sum from 1 (rounding over thousands of classes stays far below it).</summary>
    public const double ProbabilitySumTolerance = 1e-3;

    /// <summary>NaN, +infinity, -infinity or the number itself (invariant, round-trip).</summary>
    public static string Describe(double value) => value switch
    {
        double.PositiveInfinity => "+infinity",
        double.NegativeInfinity => "-infinity",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Like <see cref="Describe(double)"/>, with a float's own shortest digits (2.3, not 2.299999952316284).</summary>
    public static string Describe(float value) =>
        float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Describe((double)value);

    /// <summary>Throws unless every value is finite: "{statistic}: {what} contains NaN at index 3; {why}".</summary>
    public static void RequireFinite(IReadOnlyList<double> values, string statistic, string what, string why, string paramName)
    {
        ArgumentNullException.ThrowIfNull(values, paramName);
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{statistic}: {what} contains {Describe(values[i])} at index {i}; {why}", paramName);
            }
        }
    }

    /// <summary>Throws unless every count is finite and non-negative.</summary>
    public static void RequireCounts(IReadOnlyList<double> counts, string statistic, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(counts, paramName);
        for (var i = 0; i < counts.Count; i++)
        {
            if (!double.IsFinite(counts[i]) || counts[i] < 0)
            {
                throw new ArgumentException($"{statistic}: {what} hold {Describe(counts[i])} at bin {i}; counts must be finite and non-negative.", paramName);
            }
        }
    }

    /// <summary>Whether every value of a model's output row is finite (a row that is not is counted, not scored).</summary>
    public static bool IsFinite(ReadOnlySpan<float> row)
    {
        foreach (var value in row)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless a finite row is a probability distribution: every value in [0, 1], summing to 1.</summary>
    public static void RequireProbabilities(ReadOnlySpan<float> row, int item, string statistic, string paramName)
    {
        var sum = 0.0;
        for (var k = 0; k < row.Length; k++)
        {
            if (row[k] is < 0 or > 1)
            {
                throw new ArgumentException(
                    $"{statistic}: item {item} has {Describe(row[k])} for class {k}, not a probability in [0, 1]; raw logits need Softmax.Rows first.", paramName);
            }

            sum += row[k];
        }

        if (Math.Abs(sum - 1) > ProbabilitySumTolerance)
        {
            throw new ArgumentException(
                $"{statistic}: item {item}'s probabilities sum to {sum.ToString("0.######", CultureInfo.InvariantCulture)}, not 1; raw logits need Softmax.Rows first.", paramName);
        }
    }
}
