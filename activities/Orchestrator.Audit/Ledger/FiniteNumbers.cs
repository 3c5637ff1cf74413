using System.Collections;
using System.Reflection;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// Audit entries and evidence documents hold finite numbers only: JSON has no NaN or infinity, and a
/// recorded fact must not pretend to be a measurement it is not. This finds the first non-finite double or
/// float in a record graph and names its path, so the refusal says which figure of which fact was wrong.
/// </summary>
public static class FiniteNumbers
{
    private const int MaxDepth = 32;

    /// <summary>Throws <see cref="NonFiniteNumberException"/> when <paramref name="document"/> holds a NaN or an infinity.</summary>
    public static void Ensure(object document, string what)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (FindNonFinite(document) is { } found)
        {
            throw new NonFiniteNumberException($"{what} cannot be recorded: {found.Path} is {found.Value}; audit entries and evidence hold finite numbers only");
        }
    }

    /// <summary>The path ("TrainLoss", "History[2].ValidationLoss", ...) and text of the first non-finite number, or null.</summary>
    public static (string Path, string Value)? FindNonFinite(object? value) => Walk(value, "", 0);

    private static (string, string)? Walk(object? value, string path, int depth)
    {
        switch (value)
        {
            case null or string or bool or decimal or Enum:
                return null;
            case double d:
                return double.IsFinite(d) ? null : (Named(path), Text(d));
            case float f:
                return float.IsFinite(f) ? null : (Named(path), Text(f));
            case IDictionary dictionary:
                foreach (DictionaryEntry e in dictionary)
                {
                    if (Walk(e.Value, $"{path}[{e.Key}]", depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case IEnumerable items:
                var i = 0;
                foreach (var item in items)
                {
                    if (Walk(item, $"{path}[{i++}]", depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
        }

        var type = value.GetType();
        if (type.IsPrimitive || depth >= MaxDepth || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return null;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.CanRead
                && Walk(property.GetValue(value), path.Length == 0 ? property.Name : $"{path}.{property.Name}", depth + 1) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Text(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";

    private static string Named(string path) => path.Length == 0 ? "the value" : path;
}

/// <summary>A NaN or infinity where a recorded fact or evidence document needs a finite number.</summary>
public sealed class NonFiniteNumberException(string message) : ArgumentException(message);
