namespace Orchestrator.Api.Console.Runs;

/// <summary>A line diff by longest common subsequence: ' ' kept, '-' only in the first text, '+' only in the second.</summary>
public static class LineDiff
{
    public static IReadOnlyList<(char Kind, string Line)> Of(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var common = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var diff = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < a.Count && y < b.Count)
        {
            if (a[x] == b[y])
            {
                diff.Add((' ', a[x++]));
                y++;
            }
            else if (common[x + 1, y] >= common[x, y + 1])
            {
                diff.Add(('-', a[x++]));
            }
            else
            {
                diff.Add(('+', b[y++]));
            }
        }

        diff.AddRange(a.Skip(x).Select(l => ('-', l)));
        diff.AddRange(b.Skip(y).Select(l => ('+', l)));
        return diff;
    }
}
