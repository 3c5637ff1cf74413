using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>Takes signed checkpoints: reads every stream's head, signs the body and appends it to the checkpoint stream.</summary>
public sealed class CheckpointWriter(LedgerDatabase database, IAuditLedger ledger, CheckpointSigner signer, TimeProvider time)
{
    private readonly EntryRows _rows = new(database);

    /// <summary>Takes a checkpoint now and returns it with its ledger entry.</summary>
    public async Task<(CheckpointSigned Checkpoint, LedgerEntry Entry)> TakeAsync(CancellationToken cancellationToken = default)
    {
        // Two processes may race for the same number; the loser's idempotent append returns the winner's
        // entry with different content, which is a conflict: read the new head and take the next number.
        for (var attempt = 0; ; attempt++)
        {
            var last = await _rows.HeadAsync(AuditStreams.Checkpoints, cancellationToken).ConfigureAwait(false);
            var number = last.Version + 1;
            var heads = CheckpointBody.Order(await HeadsAsync(cancellationToken).ConfigureAwait(false));
            var takenAt = Canonical.CanonicalEntry.ToStoredPrecision(time.GetUtcNow());
            var body = CheckpointBody.Bytes(number, takenAt, heads);
            var checkpoint = new CheckpointSigned(number, takenAt, heads, CheckpointBody.Digest(body), CheckpointSigner.Algorithm, signer.KeyId, signer.Sign(body));
            var context = new AuditContext(Actor.Service("audit-ledger", Environment.MachineName), new Correlation("audit-checkpoints", "-"), null, []);
            try
            {
                var entry = await ledger.AppendAsync(AuditStreams.Checkpoints, checkpoint, context, $"checkpoint-{number}", cancellationToken).ConfigureAwait(false);
                return (checkpoint, entry);
            }
            catch (IdempotencyConflictException) when (attempt < 10)
            {
            }
        }
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
