using System.Security.Cryptography;

namespace Orchestrator.Ml.Data;

/// <summary>
/// Content digests as the rest of the system writes them: "sha256:" + 64 lower-case hex digits.
/// Datasets, manifests and blobs are named by these.
/// </summary>
public static class ContentDigest
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The prefix naming the hash algorithm.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static string Of(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return Prefix + Convert.ToHexStringLower(hash);
    }

    /// <summary>True when <paramref name="digest"/> is "sha256:" followed by 64 lower-case hex digits.</summary>
    public static bool IsValid(string? digest) =>
        digest is { Length: 71 }
        && digest.StartsWith(Prefix, StringComparison.Ordinal)
        && digest.AsSpan(Prefix.Length).IndexOfAnyExcept(LowerHex) < 0;
}
