using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Orchestrator.Audit.Canonical;

/// <summary>
/// The bytes a ledger entry's chain hash covers (docs/audit-ledger.md, "Canonical serialization"):
/// the JCS form of {"context","data","key","recordedAt","spec","stream","type","version"}, and
/// hash = SHA-256(previous hash bytes || those bytes). The first entry's previous hash is 32 zero bytes.
/// </summary>
public static class CanonicalEntry
{
    /// <summary>Version of this serialization; stored in every entry so a future change is recognisable.</summary>
    public const int Spec = 1;

    /// <summary>Per-thread hashing buffers larger than this (an unusually large event) are not kept.</summary>
    private const int MaxRetainedBuffer = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static IncrementalHash? t_sha;

    /// <summary>The previous hash of a stream's first entry: 32 zero bytes, hex encoded.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>How recording times are written: UTC, exactly six fractional digits (PostgreSQL keeps microseconds).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Truncates a time to the microsecond precision PostgreSQL stores, in UTC.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>The canonical text of a recording time.</summary>
    /// <remarks>Laid out by hand: verification formats every entry's timestamp, and a custom format string is parsed on each call.</remarks>
    public static string FormatTime(DateTimeOffset time) =>
        string.Create(TimeLength, time.UtcDateTime, static (chars, utc) => FormatTime(utc, chars));

    /// <summary>The length of <see cref="FormatTime(DateTimeOffset)"/>'s text.</summary>
    internal const int TimeLength = 27;

    /// <summary>Writes <see cref="FormatTime(DateTimeOffset)"/>'s text of the UTC time <paramref name="utc"/> into <paramref name="chars"/> (<see cref="TimeLength"/> long).</summary>
    internal static void FormatTime(DateTime utc, Span<char> chars)
    {
        Digits(chars[..4], utc.Year);
        chars[4] = '-';
        Digits(chars.Slice(5, 2), utc.Month);
        chars[7] = '-';
        Digits(chars.Slice(8, 2), utc.Day);
        chars[10] = 'T';
        Digits(chars.Slice(11, 2), utc.Hour);
        chars[13] = ':';
        Digits(chars.Slice(14, 2), utc.Minute);
        chars[16] = ':';
        Digits(chars.Slice(17, 2), utc.Second);
        chars[19] = '.';
        Digits(chars.Slice(20, 6), (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
        chars[26] = 'Z';
    }

    private static void Digits(Span<char> destination, int value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Writes the canonical bytes of one entry; its context and data may be JSON text in any formatting.</summary>
    public static void Write(IBufferWriter<byte> output, in EntryFields fields, bool strict = false) => Write(output, fields, default, strict);

    /// <summary>As <see cref="Write(IBufferWriter{byte}, in EntryFields, bool)"/>, with the context's canonical bytes already known (non-empty) to skip re-canonicalising it.</summary>
    public static void Write(IBufferWriter<byte> output, in EntryFields fields, ReadOnlySpan<byte> canonicalContext, bool strict = false)
    {
        output.Write("{\"context\":"u8);
        if (canonicalContext.IsEmpty)
        {
            CanonicalJson.Write(fields.ContextJson.Span, output, strict);
        }
        else
        {
            output.Write(canonicalContext);
        }

        output.Write(",\"data\":"u8);
        CanonicalJson.Write(fields.DataJson.Span, output, strict);
        output.Write(",\"key\":"u8);
        JsonStrings.Write(fields.Key, output);
        output.Write(",\"recordedAt\":"u8);
        JsonStrings.Write(fields.RecordedAt, output);
        output.Write(",\"spec\":"u8);
        WriteInteger(Spec, output);
        output.Write(",\"stream\":"u8);
        JsonStrings.Write(fields.StreamId, output);
        output.Write(",\"type\":"u8);
        JsonStrings.Write(fields.Type, output);
        output.Write(",\"version\":"u8);
        WriteInteger(fields.Version, output);
        output.Write("}"u8);
    }

    private static void WriteInteger(long value, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    /// <summary>The chain hash of an entry whose predecessor has hash <paramref name="previousHash"/>.</summary>
    public static string Hash(string previousHash, in EntryFields fields, bool strict = false) => Hash(previousHash, fields, default, strict);

    /// <summary>As <see cref="Hash(string, in EntryFields, bool)"/>, with the context's canonical bytes already known (non-empty).</summary>
    public static string Hash(string previousHash, in EntryFields fields, ReadOnlySpan<byte> canonicalContext, bool strict = false)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashTo(previousHash, fields, canonicalContext, hash, strict);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>As <see cref="Hash(string, in EntryFields, ReadOnlySpan{byte}, bool)"/>, writing the 32 hash bytes to <paramref name="hash"/> (verification compares them without a string per entry).</summary>
    internal static void HashTo(string previousHash, in EntryFields fields, ReadOnlySpan<byte> canonicalContext, Span<byte> hash, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        // One buffer per thread, reused: verification hashes every entry of the ledger, and a fresh buffer
        // (with its growth copies) per entry cost as much as the canonicalisation itself.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        try
        {
            var prefix = buffer.GetSpan(SHA256.HashSizeInBytes);
            if (previousHash.Length != 64 || !Convert.FromHexString(previousHash, prefix, out _, out var written).Equals(OperationStatus.Done) || written != 32)
            {
                throw new FormatException($"'{previousHash}' is not a hex SHA-256.");
            }

            buffer.Advance(SHA256.HashSizeInBytes);
            Write(buffer, fields, canonicalContext, strict);
            // A reused incremental hash per thread: the one-shot SHA256.HashData creates and frees an OpenSSL
            // context per call, which cost about a fifth of hashing a 700-byte entry.
            var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(buffer.WrittenSpan);
            sha.GetHashAndReset(hash);
        }
        finally
        {
            if (buffer.Capacity > MaxRetainedBuffer)
            {
                t_buffer = null;
            }
        }
    }
}

/// <summary>The fields of a ledger entry that its hash covers; JSON values as UTF-8 text in any formatting.</summary>
public readonly record struct EntryFields(
    string StreamId,
    long Version,
    string Type,
    string RecordedAt,
    string Key,
    ReadOnlyMemory<byte> ContextJson,
    ReadOnlyMemory<byte> DataJson);
