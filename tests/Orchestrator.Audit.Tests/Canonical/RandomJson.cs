using System.Globalization;
using System.Text;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>
/// Random JSON texts for the property tests: nested objects and arrays, names and strings across ASCII,
/// escapes, the BMP above the surrogates and astral characters (where UTF-8 and UTF-16 orders differ),
/// integers and doubles of every magnitude, and random layout (whitespace, escaped or literal characters).
/// </summary>
internal sealed class RandomJson(int seed)
{
    private static readonly string[] Pieces = ["a", "b", "Z", "_", "0", "é", "\u00ff", "\u4e2d", "\ue000", "\uffff", "😀", "\U0010ffff", "\"", "\\", "\n", "\t", "\u0001", "\u001f", "\u007f", " ", "/"];
    private readonly Random _random = new(seed);

    public string Value(int depth = 0)
    {
        var text = new StringBuilder();
        WriteValue(text, depth);
        return text.ToString();
    }

    private void WriteValue(StringBuilder text, int depth)
    {
        var kind = _random.Next(depth >= 4 ? 4 : 6);
        switch (kind)
        {
            case 0: WriteString(text, Text()); break;
            case 1: text.Append(Number()); break;
            case 2: text.Append(_random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" }); break;
            case 3: text.Append(Number()); break;
            case 4: WriteArray(text, depth); break;
            default: WriteObject(text, depth); break;
        }
    }

    private void WriteObject(StringBuilder text, int depth)
    {
        // Mostly distinct names (as jsonb and serializers produce); occasionally a duplicate.
        var count = _random.Next(_random.Next(10) == 0 ? 40 : 8);
        var names = Enumerable.Range(0, count).Select(_ => _random.Next(4) == 0 ? Text() : Ascii()).ToList();
        text.Append('{').Append(Space());
        for (var i = 0; i < count; i++)
        {
            text.Append(i > 0 ? "," + Space() : "");
            WriteString(text, _random.Next(30) == 0 && i > 0 ? names[i - 1] : names[i]);
            text.Append(Space()).Append(':').Append(Space());
            WriteValue(text, depth + 1);
        }

        text.Append(Space()).Append('}');
    }

    private void WriteArray(StringBuilder text, int depth)
    {
        var count = _random.Next(6);
        text.Append('[').Append(Space());
        for (var i = 0; i < count; i++)
        {
            text.Append(i > 0 ? "," + Space() : "");
            WriteValue(text, depth + 1);
        }

        text.Append(Space()).Append(']');
    }

    private void WriteString(StringBuilder text, string value)
    {
        Span<char> units = stackalloc char[2];
        text.Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            var escape = rune.Value < 0x20 || rune.Value == '"' || rune.Value == '\\' || _random.Next(8) == 0;
            if (!escape)
            {
                text.Append(rune.ToString());
            }
            else if (rune.Value == '"' || rune.Value == '\\')
            {
                text.Append('\\').Append((char)rune.Value);
            }
            else
            {
                var n = rune.EncodeToUtf16(units);
                for (var i = 0; i < n; i++)
                {
                    text.Append("\\u").Append(((int)units[i]).ToString(_random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
                }
            }
        }

        text.Append('"');
    }

    private string Text() => string.Concat(Enumerable.Range(0, _random.Next(6)).Select(_ => Pieces[_random.Next(Pieces.Length)]));

    private string Ascii() => string.Concat(Enumerable.Range(0, 1 + _random.Next(8)).Select(_ => (char)_random.Next('0', 'z' + 1)));

    private string Number() => _random.Next(9) switch
    {
        0 => _random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        1 => _random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        2 => BitConverter.Int64BitsToDouble(_random.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF).ToString("R", CultureInfo.InvariantCulture),
        3 => (_random.NextDouble() * Math.Pow(10, _random.Next(-12, 25))).ToString(_random.Next(2) == 0 ? "R" : "E10", CultureInfo.InvariantCulture),
        4 => $"{_random.Next(1, 10)}e{_random.Next(-330, 330)}",
        5 => _random.Next(2) == 0 ? "-0" : "-0.0",
        6 => $"{_random.Next(100)}.{_random.Next(1000):D3}00",
        7 => $"{_random.Next(1, 10)}{new string('0', _random.Next(10, 25))}",
        _ => (1.0 / _random.Next(1, 1000)).ToString("R", CultureInfo.InvariantCulture),
    };

    private string Space() => _random.Next(3) switch { 0 => "", 1 => " ", _ => "\n  " };
}
