using System.Globalization;
using System.Text;

namespace Orchestrator.Audit.Canonical;

/// <summary>
/// ECMAScript's Number.prototype.toString for finite doubles (ECMA-262 7.1.12.1), as RFC 8785 requires:
/// the shortest round-tripping digits, plain notation for 1e-7 &lt; |x| &lt; 1e21, exponent form otherwise.
/// </summary>
public static class EcmaScriptNumber
{
    /// <summary>The most bytes <see cref="Write"/> produces: 17 digits, sign, point, and a 5-character exponent, rounded up.</summary>
    public const int MaxLength = 32;

    /// <summary>The ECMAScript string of <paramref name="value"/>.</summary>
    public static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(buffer[..Write(value, buffer)]);
    }

    /// <summary>Writes the ECMAScript form of <paramref name="value"/> as ASCII into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the length.</summary>
    public static int Write(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no non-finite numbers.");
        }

        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        // .NET's "R" gives the shortest round-trip digits (e.g. "-1.5E-07"); only the layout differs from ECMAScript.
        Span<byte> shortest = stackalloc byte[MaxLength];
        value.TryFormat(shortest, out var length, "R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var body = shortest[(negative ? 1 : 0)..length];
        var exponent = 0;
        var e = body.IndexOf((byte)'E');
        if (e >= 0)
        {
            exponent = ParseExponent(body[(e + 1)..]);
            body = body[..e];
        }

        var dot = body.IndexOf((byte)'.');
        var integerDigits = dot >= 0 ? dot : body.Length;
        Span<byte> all = stackalloc byte[MaxLength];
        var count = 0;
        foreach (var b in body)
        {
            if (b != '.')
            {
                all[count++] = b;
            }
        }

        var leadingZeros = all[..count].IndexOfAnyExcept((byte)'0');
        ReadOnlySpan<byte> digits = all[leadingZeros..count].TrimEnd((byte)'0');
        // n: the position of the decimal point relative to the first significant digit.
        var n = integerDigits + exponent - leadingZeros;
        return Layout(negative, digits, n, destination);
    }

    private static int Layout(bool negative, ReadOnlySpan<byte> digits, int n, Span<byte> destination)
    {
        var k = digits.Length;
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            digits.CopyTo(destination[at..]);
            destination.Slice(at + k, n - k).Fill((byte)'0');
            return at + n;
        }

        if (0 < n && n <= 21)
        {
            digits[..n].CopyTo(destination[at..]);
            destination[at + n] = (byte)'.';
            digits[n..].CopyTo(destination[(at + n + 1)..]);
            return at + k + 1;
        }

        if (-6 < n && n <= 0)
        {
            "0."u8.CopyTo(destination[at..]);
            destination.Slice(at + 2, -n).Fill((byte)'0');
            digits.CopyTo(destination[(at + 2 - n)..]);
            return at + 2 - n + k;
        }

        var exp = n - 1;
        destination[at++] = digits[0];
        if (k > 1)
        {
            destination[at++] = (byte)'.';
            digits[1..].CopyTo(destination[at..]);
            at += k - 1;
        }

        destination[at++] = (byte)'e';
        destination[at++] = exp < 0 ? (byte)'-' : (byte)'+';
        Math.Abs(exp).TryFormat(destination[at..], out var written, default, CultureInfo.InvariantCulture);
        return at + written;
    }

    private static int ParseExponent(ReadOnlySpan<byte> text)
    {
        var sign = 1;
        if (text[0] is (byte)'-' or (byte)'+')
        {
            sign = text[0] == '-' ? -1 : 1;
            text = text[1..];
        }

        var result = 0;
        foreach (var digit in text)
        {
            result = (result * 10) + (digit - '0');
        }

        return sign * result;
    }
}
