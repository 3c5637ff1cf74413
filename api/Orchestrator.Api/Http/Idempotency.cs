using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Api.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header of POSTs that start work. A key names the operation: the same caller
/// sending the same key again gets the same run, approval or export (derived ids, idempotent ledger
/// appends, Temporal's unique workflow ids) instead of a second one; nothing is kept in memory.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>The longest accepted key.</summary>
    public const int MaxLength = 128;

    /// <summary>Reads the header: null when absent; a problem when present but unusable.</summary>
    public static (string? Key, IResult? Problem) Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Headers.TryGetValue(Header, out var values))
        {
            return (null, null);
        }

        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key.Any(c => c is < '!' or > '~'))
        {
            return (null, Problems.Validation(Header, $"{Header} must be one value of 1 to {MaxLength} visible ASCII characters."));
        }

        return (key, null);
    }

    /// <summary>A stable lowercase-hex id of <paramref name="length"/> characters for (scope, caller, key).</summary>
    public static string DeriveId(string scope, string caller, string key, int length = 24) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{scope}\n{caller}\n{key}")))[..length];

    /// <summary>A fresh random id of the same shape.</summary>
    public static string NewId(int length = 24) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(length / 2 + 1))[..length];
}
