using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// The bytes a checkpoint's digest and signature cover (docs/audit-ledger.md, "Checkpoints"). Format 1 is the
/// JCS form of {"heads":[{"hash","stream","version"}...],"number","takenAt"}; format 2 adds "format" and
/// "previous" (the preceding checkpoint's number and digest, or null), so every checkpoint is chained to the
/// one before it. Heads are ordered by stream id (ordinal).
/// </summary>
public static class CheckpointBody
{
    /// <summary>The "format" member of a format-2 body; it also keeps a format-2 body from ever equalling a format-1 body.</summary>
    public const string FormatV2 = "orchestrator-checkpoint/2";

    /// <summary>The canonical format-1 body bytes (checkpoints recorded before chaining).</summary>
    public static byte[] Bytes(long number, DateTimeOffset takenAt, IReadOnlyList<StreamHead> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var output = new ArrayBufferWriter<byte>(64 + (heads.Count * 128));
        output.Write("{"u8);
        WriteHeads(heads, output);
        output.Write(",\"number\":"u8);
        WriteNumber(number, output);
        WriteTakenAt(takenAt, output);
        output.Write("}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The canonical format-2 body bytes: format 1's members plus "format" and "previous".</summary>
    public static byte[] BytesV2(long number, DateTimeOffset takenAt, IReadOnlyList<StreamHead> heads, CheckpointLink? previous)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var output = new ArrayBufferWriter<byte>(160 + (heads.Count * 128));
        output.Write("{\"format\":"u8);
        JsonStrings.Write(FormatV2, output);
        output.Write(","u8);
        WriteHeads(heads, output);
        output.Write(",\"number\":"u8);
        WriteNumber(number, output);
        output.Write(",\"previous\":"u8);
        if (previous is null)
        {
            output.Write("null"u8);
        }
        else
        {
            output.Write("{\"digest\":"u8);
            JsonStrings.Write(previous.Digest, output);
            output.Write(",\"number\":"u8);
            WriteNumber(previous.Number, output);
            output.Write("}"u8);
        }

        WriteTakenAt(takenAt, output);
        output.Write("}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>SHA-256 (lowercase hex) of the body.</summary>
    public static string Digest(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Orders heads as the body requires.</summary>
    public static IReadOnlyList<StreamHead> Order(IEnumerable<StreamHead> heads) =>
        [.. heads.OrderBy(h => h.StreamId, StringComparer.Ordinal)];

    private static void WriteHeads(IReadOnlyList<StreamHead> heads, ArrayBufferWriter<byte> output)
    {
        output.Write("\"heads\":["u8);
        for (var i = 0; i < heads.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            output.Write("{\"hash\":"u8);
            JsonStrings.Write(heads[i].Hash, output);
            output.Write(",\"stream\":"u8);
            JsonStrings.Write(heads[i].StreamId, output);
            output.Write(",\"version\":"u8);
            WriteNumber(heads[i].Version, output);
            output.Write("}"u8);
        }

        output.Write("]"u8);
    }

    private static void WriteNumber(long value, ArrayBufferWriter<byte> output) =>
        Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture), output);

    private static void WriteTakenAt(DateTimeOffset takenAt, ArrayBufferWriter<byte> output)
    {
        output.Write(",\"takenAt\":"u8);
        JsonStrings.Write(CanonicalEntry.FormatTime(takenAt), output);
    }
}
