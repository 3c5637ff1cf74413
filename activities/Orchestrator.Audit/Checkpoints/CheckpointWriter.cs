using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// Takes signed checkpoints: reads every stream's head, chains the new checkpoint to the latest one, signs it,
/// appends it to the checkpoint stream and writes its copy to the anchor store outside the database.
/// </summary>
public sealed class CheckpointWriter(LedgerDatabase database, IAuditLedger ledger, CheckpointSigner signer, ICheckpointAnchorStore anchors, TimeProvider time)
{
    private readonly EntryRows _rows = new(database);

    /// <summary>Takes a checkpoint now and returns it with its ledger entry.</summary>
    /// <exception cref="CheckpointAnchorException">
    /// The anchor store cannot be reached, or it disagrees with the database's checkpoint stream (a checkpoint was
    /// deleted or changed in the database): nothing is appended, since a new checkpoint would hide the gap.
    /// </exception>
    public async Task<(CheckpointSignedV2 Checkpoint, LedgerEntry Entry)> TakeAsync(CancellationToken cancellationToken = default)
    {
        // Two processes may race for the same number; the loser's idempotent append returns the winner's
        // entry with different content, which is a conflict: read the new head and take the next number.
        for (var attempt = 0; ; attempt++)
        {
            var (lastVersion, last) = await LatestWithVersionAsync(cancellationToken).ConfigureAwait(false);
            var number = lastVersion + 1;
            if (last is not null)
            {
                await EnsureAnchoredAsync(last, lastVersion, cancellationToken).ConfigureAwait(false);
            }

            if (await anchors.ReadAsync(number, cancellationToken).ConfigureAwait(false) is { } ahead)
            {
                // A writer appends its checkpoint to the database before it writes the copy, so a copy whose row this
                // writer did not see was either taken by a concurrent writer since the head was read (the database
                // has it now: take the next number) or deleted from the database (it still ends before the copy).
                if (attempt < 10 && (await _rows.HeadAsync(AuditStreams.Checkpoints, cancellationToken).ConfigureAwait(false)).Version >= number)
                {
                    continue;
                }

                throw new CheckpointAnchorException(
                    $"checkpoint {number} has a copy outside the database ({ahead.Name}) but the database's checkpoint stream ends at {lastVersion}: "
                    + "checkpoints were deleted from the database (audit verify names them); no checkpoint is taken until that is resolved");
            }

            var heads = CheckpointBody.Order(await HeadsAsync(cancellationToken).ConfigureAwait(false));
            var takenAt = Canonical.CanonicalEntry.ToStoredPrecision(time.GetUtcNow());
            var body = CheckpointBody.BytesV2(number, takenAt, heads, last?.Link);
            var checkpoint = new CheckpointSignedV2(number, takenAt, heads, last?.Link, CheckpointBody.Digest(body), CheckpointSigner.Algorithm, signer.KeyId, signer.Sign(body));
            var context = new AuditContext(Actor.Service("audit-ledger", Environment.MachineName), new Correlation("audit-checkpoints", "-"), null, []);
            LedgerEntry entry;
            try
            {
                entry = await ledger.AppendAsync(AuditStreams.Checkpoints, checkpoint, context, $"checkpoint-{number}", cancellationToken).ConfigureAwait(false);
            }
            catch (IdempotencyConflictException) when (attempt < 10)
            {
                continue;
            }

            // Should this fail (or the process die here), the next checkpoint writes this copy first.
            await anchors.WriteAsync(number, CheckpointAnchor.ContentOf(SignedCheckpoint.From(checkpoint)), cancellationToken).ConfigureAwait(false);
            return (checkpoint, entry);
        }
    }

    private async Task<(long Version, SignedCheckpoint? Checkpoint)> LatestWithVersionAsync(CancellationToken cancellationToken)
    {
        var head = await _rows.HeadAsync(AuditStreams.Checkpoints, cancellationToken).ConfigureAwait(false);
        if (head.Version == 0)
        {
            return (0, null);
        }

        var rows = await _rows.StreamAsync(AuditStreams.Checkpoints, head.Version, 1, null, cancellationToken).ConfigureAwait(false);
        return (head.Version, SignedCheckpoint.Read(rows[0].Type, rows[0].DataJson));
    }

    /// <summary>
    /// Makes sure the latest format-2 checkpoint has its external copy (the write after its append may have
    /// been lost) and that an existing copy agrees with it. Only a checkpoint that verifies with this signer's
    /// key is ever copied, so nothing written into the database by hand reaches the anchor store.
    /// </summary>
    private async Task EnsureAnchoredAsync(SignedCheckpoint last, long version, CancellationToken cancellationToken)
    {
        if (last.Number != version)
        {
            throw new CheckpointAnchorException($"the database's latest checkpoint at version {version} says it is number {last.Number}: the checkpoint stream was altered");
        }

        var copy = await anchors.ReadAsync(last.Number, cancellationToken).ConfigureAwait(false);
        if (copy is not null)
        {
            SignedCheckpoint anchored;
            try
            {
                anchored = copy.Read();
            }
            catch (FormatException e)
            {
                throw new CheckpointAnchorException($"the copy of checkpoint {last.Number} outside the database ({copy.Name}) cannot be read: {e.Message}", e);
            }

            if (anchored.Digest != last.Digest)
            {
                throw new CheckpointAnchorException(
                    $"the database's checkpoint {last.Number} (digest {last.Digest}) differs from its copy outside the database ({copy.Name}, digest {anchored.Digest}): the checkpoint stream was altered");
            }

            return;
        }

        if (last.Format == 1)
        {
            // Recorded before checkpoints were anchored: the first format-2 checkpoint chains to it instead.
            return;
        }

        using var publicKey = CheckpointSigner.ImportPublicKey(signer.PublicKeyPem);
        if (last.Problem(publicKey, signer.KeyId) is { } problem)
        {
            throw new CheckpointAnchorException($"the database's latest checkpoint has no copy outside the database and does not verify ({problem}): it is not copied");
        }

        await anchors.WriteAsync(last.Number, CheckpointAnchor.ContentOf(last), cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<StreamHead>> HeadsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            EventTables.Heads(database));
        command.Parameters.Add(new() { Value = AuditStreams.Checkpoints });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var heads = new List<StreamHead>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            heads.Add(new StreamHead(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? "" : reader.GetString(2)));
        }

        return heads;
    }
}
