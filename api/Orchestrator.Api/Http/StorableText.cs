namespace Orchestrator.Api.Http;

/// <summary>
/// Whether text can be stored and compared as it was sent: PostgreSQL refuses U+0000 in text (22021) and in jsonb
/// (22P05), and a lone surrogate is not a character at all (it cannot be encoded as UTF-8). Text from query strings,
/// paths, token claims and JSON bodies is checked here before it reaches the ledger or a query, so such input is a 400
/// (a 401 in a token), never a 500 from the database.
/// </summary>
public static class StorableText
{
    /// <summary>True when <paramref name="text"/> has no U+0000 and every surrogate is half of a pair.</summary>
    public static bool IsStorable(ReadOnlySpan<char> text) => Problem(text, allowControl: true) is null;

    /// <summary>True when <paramref name="text"/> is storable and has no control characters at all.</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) => Problem(text, allowControl: false) is null;

    /// <summary>What is wrong with <paramref name="text"/> (a description, never the text), or null.</summary>
    public static string? Problem(ReadOnlySpan<char> text, bool allowControl)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "contains U+0000";
            }

            if (!allowControl && char.IsControl(c))
            {
                return "contains a control character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "contains an unpaired surrogate (not a Unicode character)";
            }
        }

        return null;
    }
}
