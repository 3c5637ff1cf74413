using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Orchestrator.Contracts;

/// <summary>
/// A SHA-256 content digest. Artifacts, datasets, label sets, reports, policies and models are named by
/// it. Its text form, the only one written anywhere (payloads, events, URLs, the CLI), is
/// <c>sha256:</c> followed by 64 lower-case hex digits; the ledger's evidence lists carry the bare hex
/// (<see cref="Hex"/>). JSON reads and writes the text form, so a record that switches a string to a
/// Digest keeps its wire format.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest : ISpanFormattable
{
    /// <summary>The algorithm prefix of the text form: the one place it is spelt.</summary>
    public const string Prefix = "sha256:";

    /// <summary>Hex digits of a SHA-256 hash.</summary>
    public const int HexLength = 64;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private readonly string? _hex;

    private Digest(string hex) => _hex = hex;

    /// <summary>The 64 lower-case hex digits, without the prefix (the form of the ledger's evidence lists).</summary>
    /// <exception cref="InvalidOperationException">This is <c>default(Digest)</c>, which names nothing.</exception>
    public string Hex => _hex ?? throw new InvalidOperationException("default(Digest) names nothing; create digests with Of, Parse or FromHex.");

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static Digest Of(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        return FromHash(hash);
    }

    /// <summary>The digest whose hash bytes are <paramref name="sha256"/> (32 bytes).</summary>
    public static Digest FromHash(ReadOnlySpan<byte> sha256) => sha256.Length == SHA256.HashSizeInBytes
        ? new Digest(Convert.ToHexStringLower(sha256))
        : throw new ArgumentException($"A SHA-256 hash has {SHA256.HashSizeInBytes} bytes, not {sha256.Length}.", nameof(sha256));

    /// <summary>The digest of 64 lower-case hex digits without the prefix (an evidence entry's form).</summary>
    /// <exception cref="FormatException"><paramref name="hex"/> is not 64 lower-case hex digits.</exception>
    public static Digest FromHex(string hex) =>
        IsHex(hex) ? new Digest(hex) : throw new FormatException($"'{hex}' is not 64 lower-case hex digits.");

    /// <summary>Parses the text form <c>sha256:&lt;64 lower-case hex digits&gt;</c>.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a digest.</exception>
    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new FormatException($"'{text}' is not a digest of the form {Prefix}<64 lowercase hex digits>.");

    /// <summary>Parses the text form; false when <paramref name="text"/> is anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        if (text is { Length: 7 + HexLength } && text.StartsWith(Prefix, StringComparison.Ordinal) && IsHex(text[Prefix.Length..]))
        {
            digest = new Digest(text[Prefix.Length..]);
            return true;
        }

        digest = default;
        return false;
    }

    /// <summary>True when <paramref name="text"/> is the text form of a digest.</summary>
    public static bool IsValid([NotNullWhen(true)] string? text) => TryParse(text, out _);

    /// <summary>Reads either form a digest is written in: the text form, or the bare hex of an evidence entry.</summary>
    /// <exception cref="FormatException">Neither form.</exception>
    public static Digest ParseEither(string text) => TryParse(text, out var digest) ? digest : FromHex(text);

    /// <summary>
    /// Copies <paramref name="source"/> to its end into <paramref name="destination"/>, hashing on the way, and
    /// returns the digest of what was copied (an upload names its blob by it; a download checks against it).
    /// </summary>
    public static async Task<Digest> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, 1 << 16), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return FromHash(hash.GetHashAndReset());
    }

    /// <summary>The 32 hash bytes.</summary>
    public byte[] ToBytes() => Convert.FromHexString(Hex);

    /// <summary>The text form, <c>sha256:</c> + <see cref="Hex"/>.</summary>
    public override string ToString() => Prefix + Hex;

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var text = ToString();
        charsWritten = text.TryCopyTo(destination) ? text.Length : 0;
        return charsWritten > 0;
    }

    private static bool IsHex(string? hex) => hex is { Length: HexLength } && !hex.AsSpan().ContainsAnyExcept(LowerHex);
}
