using System.Text.RegularExpressions;
using Orchestrator.Contracts;

namespace Orchestrator.Api;

/// <summary>Shared shape rules of request fields: names that become stream ids and blob names, free text, locations.</summary>
public static partial class RequestRules
{
    public const string NamePattern = "^[a-z0-9][a-z0-9-]{0,62}$";
    public const string NameMessage = "Must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit.";
    public const string DigestMessage = $"Must be \"{Digest.Prefix}\" followed by 64 lowercase hex digits.";
    public const string TextMessage = "Must be 1-500 characters without control characters.";
    public const string LocationMessage = "Must be a path or blob prefix of at most 1024 characters, without '..' segments or control characters.";
    public const string ParametersMessage = "At most 32 parameters; keys of 1-40 lowercase letters, digits or dashes; values of at most 200 characters without control characters.";
    public const string DefaultPolicy = "default";

    public static bool IsName(string? value) => value is not null && NameRegex().IsMatch(value);

    public static bool IsText(string? value) => value is { Length: > 0 and <= 500 } && !value.Any(char.IsControl);

    public static bool IsReason(string? value) => value is { Length: > 0 and <= 2000 } && !value.Any(c => char.IsControl(c) && c is not '\n' and not '\t');

    public static bool IsSafeLocation(string value) =>
        value.Length is > 0 and <= 1024 && !value.Any(char.IsControl) && !value.Split('/', '\\').Contains("..");

    public static bool AreParameters(Dictionary<string, string> parameters) =>
        parameters.Count <= 32 && parameters.All(p => KeyRegex().IsMatch(p.Key) && p.Value is { Length: <= 200 } v && !v.Any(char.IsControl));

    [GeneratedRegex(NamePattern)]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex KeyRegex();
}
