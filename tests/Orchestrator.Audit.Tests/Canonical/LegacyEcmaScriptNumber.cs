// ECMAScript number formatting as shipped before the allocation-free rewrite: the property tests' reference.
using System.Globalization;
using System.Text;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>
/// ECMAScript's Number.prototype.toString for finite doubles (ECMA-262 7.1.12.1), as RFC 8785 requires:
/// the shortest round-tripping digits, plain notation for 1e-7 &lt; |x| &lt; 1e21, exponent form otherwise.
/// </summary>
internal static class LegacyEcmaScriptNumber
{
    /// <summary>The ECMAScript string of <paramref name="value"/>.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no non-finite numbers.");
        }

        if (value == 0)
        {
            return "0";
        }

        // .NET's "R" gives the shortest round-trip digits; only the layout differs from ECMAScript.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var body = negative ? shortest[1..] : shortest;
        var exponent = 0;
        var e = body.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(body.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot >= 0 ? dot : body.Length;
        var digits = (dot >= 0 ? body.Remove(dot, 1) : body).TrimStart('0');
        // n: the position of the decimal point relative to the first significant digit.
        var n = integerDigits + exponent - ((dot >= 0 ? body.Remove(dot, 1) : body).Length - digits.Length);
        digits = digits.TrimEnd('0');
        var k = digits.Length;

        var result = new StringBuilder(24);
        if (negative)
        {
            result.Append('-');
        }

        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var exp = n - 1;
            result.Append(digits[0]);
            if (k > 1)
            {
                result.Append('.').Append(digits, 1, k - 1);
            }

            result.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString(CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }
}
