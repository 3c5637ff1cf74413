using System.Security.Cryptography;
using Orchestrator.Contracts;

namespace Orchestrator.Operations.Artifacts;

/// <summary>
/// A read-only stream over an artifact's bytes that hashes them as they pass and, on reaching the end,
/// throws <see cref="ArtifactIntegrityException"/> if they do not hash to the digest the artifact is named by.
/// A consumer that reads to the end has therefore either read the genuine bytes or seen an exception.
/// </summary>
internal sealed class VerifyingStream(Stream inner, string digest) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = inner.Read(buffer);
        return Seen(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Seen(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    // Only called with a non-empty buffer, so zero bytes read means the end of the artifact.
    private int Seen(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0)
        {
            _hash.AppendData(bytes);
            return bytes.Length;
        }

        if (!_checked)
        {
            _checked = true;
            var actual = Digest.FromHash(_hash.GetHashAndReset()).ToString();
            if (!string.Equals(actual, digest, StringComparison.Ordinal))
            {
                throw new ArtifactIntegrityException(digest, actual);
            }
        }

        return 0;
    }
}
