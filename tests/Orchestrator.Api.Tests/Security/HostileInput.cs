using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Generates malformed request bodies from a valid one: hostile strings, wrong types, huge numbers, broken JSON and bytes, duplicate members.</summary>
public sealed class HostileInput(int seed)
{
    private static readonly string[] Strings =
    [
        "../../../etc/passwd", "..\\..\\windows\\system32", "/etc/shadow", "run-x/../../model-y",
        "'; DROP TABLE mt_events; --", "\" OR 1=1 --", "$1; DELETE FROM mt_streams", "%00", "\u0000", "\u202e\u0007",
        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "", " ", "APPROVE", "sha256:zz",
        new string('a', 100_000), string.Concat(Enumerable.Repeat("😀", 5000)),
    ];

    private static readonly string[] Numbers = ["1e308", "-1e308", "99999999999999999999999999999", "-1", "0", "1.5", "true", "[]", "{}"];

    private readonly Random _random = new(seed);

    /// <summary>A body derived from <paramref name="valid"/> in which the field at <paramref name="path"/> (a required, shape-checked field) is hostile.</summary>
    public byte[] Mutate(string valid, string[] path)
    {
        switch (_random.Next(10))
        {
            case 0:
                return Encoding.UTF8.GetBytes(valid[..Math.Max(1, _random.Next(valid.Length))]); // truncated JSON
            case 1:
                var bytes = Encoding.UTF8.GetBytes(valid);
                var broken = bytes.ToList();
                broken.InsertRange(_random.Next(1, bytes.Length - 1), new byte[] { 0xC3, 0x28, 0xFF, 0xFE }); // invalid UTF-8
                return [.. broken];
            case 2:
                return Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)); // nesting far beyond the JSON depth limit
            case 3:
                // The top-level member again in another casing, last (so a lenient reader would bind it): {"x":..,"X":null}
                var member = path[0];
                var recased = _random.Next(2) == 0 ? member.ToUpperInvariant() : char.ToUpperInvariant(member[0]) + member[1..];
                var value = _random.Next(2) == 0 ? "null" : "\"" + Strings[_random.Next(Strings.Length)].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
                return Encoding.UTF8.GetBytes(valid.TrimEnd()[..^1] + $",\"{recased}\":{value}}}");
            default:
                var node = JsonNode.Parse(valid)!;
                var parent = path[..^1].Aggregate(node, (n, key) => n[key]!);
                parent[path[^1]] = _random.Next(3) == 0
                    ? JsonNode.Parse(Numbers[_random.Next(Numbers.Length)])
                    : JsonValue.Create(Strings[_random.Next(Strings.Length)]);
                return Encoding.UTF8.GetBytes(node.ToJsonString());
        }
    }
}
