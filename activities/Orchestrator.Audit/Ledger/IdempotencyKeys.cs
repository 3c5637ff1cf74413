using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Audit.Ledger;

/// <summary>
/// Maps (stream, idempotency key) to the event's id, so the unique index on event ids refuses a second
/// entry for the same key in the same stream whichever process or attempt writes it.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>A name-based UUID (version 8, RFC 9562) from SHA-256 of the stream id and the key.</summary>
    public static Guid EventId(string streamId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"orchestrator-audit/1\n{streamId}\n{idempotencyKey}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
