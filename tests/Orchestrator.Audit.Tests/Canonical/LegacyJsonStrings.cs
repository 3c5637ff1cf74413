// JCS string escaping as shipped before the streaming rewrite: the property tests' reference.
using System.Buffers;
using System.Text;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>JCS string form: only '"', '\\' and control characters are escaped; everything else is literal UTF-8.</summary>
internal static class LegacyJsonStrings
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static void Write(string value, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            Encoding.UTF8.GetBytes(value.AsSpan(start, i - start), output);
            WriteEscape(c, output);
            start = i + 1;
        }

        Encoding.UTF8.GetBytes(value.AsSpan(start), output);
        output.Write("\""u8);
    }

    private static void WriteEscape(char c, IBufferWriter<byte> output)
    {
        switch (c)
        {
            case '"': output.Write("\\\""u8); break;
            case '\\': output.Write("\\\\"u8); break;
            case '\b': output.Write("\\b"u8); break;
            case '\f': output.Write("\\f"u8); break;
            case '\n': output.Write("\\n"u8); break;
            case '\r': output.Write("\\r"u8); break;
            case '\t': output.Write("\\t"u8); break;
            default:
                var span = output.GetSpan(6);
                "\\u00"u8.CopyTo(span);
                span[4] = Hex[c >> 4];
                span[5] = Hex[c & 0xF];
                output.Advance(6);
                break;
        }
    }
}
