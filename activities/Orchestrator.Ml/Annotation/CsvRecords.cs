using System.Text;

namespace Orchestrator.Ml.Annotation;

/// <summary>
/// RFC 4180 records: comma-separated, fields optionally in double quotes (a doubled quote inside is a
/// quote; commas and line breaks inside quotes are data). Each record carries the line it starts on.
/// </summary>
internal static class CsvRecords
{
    public sealed record Row(int Line, IReadOnlyList<string> Fields, string? Problem);

    public static IEnumerable<Row> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        var wasQuoted = false;
        string? problem = null;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"' && reader.Peek() == '"')
                {
                    reader.Read();
                    field.Append('"');
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += ch == '\n' ? 1 : 0;
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case '"':
                    problem ??= "stray quote inside an unquoted field";
                    field.Append(ch);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    if (!(fields.Count == 1 && fields[0].Length == 0 && !wasQuoted))
                    {
                        yield return new Row(start, [.. fields], problem);
                    }

                    (fields, field, problem, wasQuoted) = ([], field.Clear(), null, false);
                    start = ++line;
                    break;
                default:
                    if (wasQuoted)
                    {
                        problem ??= "text after a closing quote";
                    }

                    field.Append(ch);
                    break;
            }
        }

        if (quoted)
        {
            problem = "unterminated quoted field";
        }

        fields.Add(field.ToString());
        if (!(fields.Count == 1 && fields[0].Length == 0 && !wasQuoted))
        {
            yield return new Row(start, [.. fields], problem);
        }
    }
}
