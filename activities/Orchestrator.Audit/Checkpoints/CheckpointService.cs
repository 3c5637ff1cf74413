using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>Takes a signed checkpoint every <see cref="AuditLedgerOptions.CheckpointInterval"/>.</summary>
internal sealed partial class CheckpointService(CheckpointWriter writer, IOptions<AuditLedgerOptions> options, TimeProvider time, ILogger<CheckpointService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CheckpointInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var (checkpoint, _) = await writer.TakeAsync(stoppingToken).ConfigureAwait(false);
                Taken(checkpoint.Number, checkpoint.Heads.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A missed checkpoint is retried at the next tick; the ledger itself is unaffected.
                Failed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed audit checkpoint {Number} over {Streams} streams")]
    private partial void Taken(long number, int streams);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking the audit checkpoint failed")]
    private partial void Failed(Exception exception);
}
