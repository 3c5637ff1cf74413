// The entry hashing as shipped before the pooled-buffer rewrite: the property tests' reference.
using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Audit.Canonical;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>
/// The bytes a ledger entry's chain hash covers (docs/audit-ledger.md, "Canonical serialization"):
/// the JCS form of {"context","data","key","recordedAt","spec","stream","type","version"}, and
/// hash = SHA-256(previous hash bytes || those bytes). The first entry's previous hash is 32 zero bytes.
/// </summary>
internal static class LegacyCanonicalEntry
{
    /// <summary>Version of this serialization; stored in every entry so a future change is recognisable.</summary>
    public const int Spec = 1;

    /// <summary>The previous hash of a stream's first entry: 32 zero bytes, hex encoded.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>How recording times are written: UTC, exactly six fractional digits (PostgreSQL keeps microseconds).</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Truncates a time to the microsecond precision PostgreSQL stores, in UTC.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>The canonical text of a recording time.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Writes the canonical bytes of one entry; its context and data may be JSON text in any formatting.</summary>
    public static void Write(IBufferWriter<byte> output, in EntryFields fields, bool strict = false) => Write(output, fields, default, strict);

    /// <summary>As <see cref="Write(IBufferWriter{byte}, in EntryFields, bool)"/>, with the context's canonical bytes already known (non-empty) to skip re-canonicalising it.</summary>
    public static void Write(IBufferWriter<byte> output, in EntryFields fields, ReadOnlySpan<byte> canonicalContext, bool strict = false)
    {
        output.Write("{\"context\":"u8);
        if (canonicalContext.IsEmpty)
        {
            LegacyCanonicalJson.Write(fields.ContextJson.Span, output, strict);
        }
        else
        {
            output.Write(canonicalContext);
        }

        output.Write(",\"data\":"u8);
        LegacyCanonicalJson.Write(fields.DataJson.Span, output, strict);
        output.Write(",\"key\":"u8);
        LegacyJsonStrings.Write(fields.Key, output);
        output.Write(",\"recordedAt\":"u8);
        LegacyJsonStrings.Write(fields.RecordedAt, output);
        output.Write(",\"spec\":"u8);
        Encoding.UTF8.GetBytes(Spec.ToString(CultureInfo.InvariantCulture), output);
        output.Write(",\"stream\":"u8);
        LegacyJsonStrings.Write(fields.StreamId, output);
        output.Write(",\"type\":"u8);
        LegacyJsonStrings.Write(fields.Type, output);
        output.Write(",\"version\":"u8);
        Encoding.UTF8.GetBytes(fields.Version.ToString(CultureInfo.InvariantCulture), output);
        output.Write("}"u8);
    }

    /// <summary>The chain hash of an entry whose predecessor has hash <paramref name="previousHash"/>.</summary>
    public static string Hash(string previousHash, in EntryFields fields, bool strict = false) => Hash(previousHash, fields, default, strict);

    /// <summary>As <see cref="Hash(string, in EntryFields, bool)"/>, with the context's canonical bytes already known (non-empty).</summary>
    public static string Hash(string previousHash, in EntryFields fields, ReadOnlySpan<byte> canonicalContext, bool strict = false)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var prefix = buffer.GetSpan(SHA256.HashSizeInBytes);
        if (previousHash.Length != 64 || !Convert.FromHexString(previousHash, prefix, out _, out var written).Equals(OperationStatus.Done) || written != 32)
        {
            throw new FormatException($"'{previousHash}' is not a hex SHA-256.");
        }

        buffer.Advance(SHA256.HashSizeInBytes);
        Write(buffer, fields, canonicalContext, strict);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }
}

