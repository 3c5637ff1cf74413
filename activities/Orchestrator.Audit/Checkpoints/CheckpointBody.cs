using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Audit.Canonical;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// The bytes a checkpoint's digest and signature cover: the JCS form of
/// {"heads":[{"hash","stream","version"}...],"number","takenAt"} with heads ordered by stream id (ordinal).
/// </summary>
public static class CheckpointBody
{
    /// <summary>The canonical body bytes.</summary>
    public static byte[] Bytes(long number, DateTimeOffset takenAt, IReadOnlyList<StreamHead> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var output = new ArrayBufferWriter<byte>(64 + (heads.Count * 128));
        output.Write("{\"heads\":["u8);
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
            Encoding.UTF8.GetBytes(heads[i].Version.ToString(CultureInfo.InvariantCulture), output);
            output.Write("}"u8);
        }

        output.Write("],\"number\":"u8);
        Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture), output);
        output.Write(",\"takenAt\":"u8);
        JsonStrings.Write(CanonicalEntry.FormatTime(takenAt), output);
        output.Write("}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>SHA-256 (lowercase hex) of the body.</summary>
    public static string Digest(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Orders heads as the body requires.</summary>
    public static IReadOnlyList<StreamHead> Order(IEnumerable<StreamHead> heads) =>
        [.. heads.OrderBy(h => h.StreamId, StringComparer.Ordinal)];
}
