using Npgsql;
using NpgsqlTypes;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Operations.Serving;

/// <summary>
/// The prediction log: a plain table in the ledger's database and schema (not the hash-chained event
/// streams: predictions are high-volume operational data, sampled, and may be pruned). Serving writes it;
/// the canary check and the drift monitor read it; feedback labels rows in place.
/// </summary>
public sealed class PredictionLog(LedgerDatabase database) : IDisposable
{
    private readonly SemaphoreSlim _create = new(1, 1);
    private volatile bool _created;

    private string Table => database.Table("predictions");

    /// <summary>Creates the table and its index once per process (idempotent DDL).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created)
        {
            return;
        }

        await _create.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_created)
            {
                await using var command = database.DataSource.CreateCommand($"""
                    CREATE TABLE IF NOT EXISTS {Table} (
                        id uuid PRIMARY KEY, model text NOT NULL, version int NOT NULL, route text NOT NULL,
                        at timestamptz NOT NULL, latency_ms float8 NOT NULL, succeeded boolean NOT NULL,
                        predicted_label text, confidence float8, channel_means float8[], image bytea, error text,
                        label text, labelled_by text, labelled_at timestamptz);
                    CREATE INDEX IF NOT EXISTS predictions_model_version_at ON {Table} (model, version, at);
                    """);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                _created = true;
            }
        }
        finally
        {
            _create.Release();
        }
    }

    /// <summary>Appends <paramref name="records"/> in one batch.</summary>
    public async Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = database.DataSource.CreateBatch();
        foreach (var r in records)
        {
            var command = new NpgsqlBatchCommand($"""
                INSERT INTO {Table} (id, model, version, route, at, latency_ms, succeeded, predicted_label, confidence, channel_means, image, error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING
                """);
            command.Parameters.Add(new() { Value = r.Id });
            command.Parameters.Add(new() { Value = r.Model });
            command.Parameters.Add(new() { Value = r.Version });
            command.Parameters.Add(new() { Value = r.Route });
            command.Parameters.Add(new() { Value = r.At.ToUniversalTime() });
            command.Parameters.Add(new() { Value = r.LatencyMs });
            command.Parameters.Add(new() { Value = r.Succeeded });
            command.Parameters.Add(new() { Value = (object?)r.PredictedLabel ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)r.Confidence ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
            command.Parameters.Add(new() { Value = (object?)r.ChannelMeans?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
            command.Parameters.Add(new() { Value = (object?)r.Image ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new() { Value = (object?)r.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Requests, errors, latency percentiles and class counts of one version in [from, to).</summary>
    public async Task<PredictionHealth> HealthAsync(string model, int version, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var totals = Command($"""
            SELECT count(*), count(*) FILTER (WHERE NOT succeeded),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), 0),
                   coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), 0)
            FROM {Table} WHERE model = $1 AND version = $2 AND at >= $3 AND at < $4
            """, model, version, from.ToUniversalTime(), to.ToUniversalTime());
        int requests, errors;
        double p50, p95;
        await using (var reader = await totals.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (requests, errors, p50, p95) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
        }

        await using var classes = Command($"""
            SELECT predicted_label, count(*) FROM {Table}
            WHERE model = $1 AND version = $2 AND at >= $3 AND at < $4 AND succeeded GROUP BY predicted_label
            """, model, version, from.ToUniversalTime(), to.ToUniversalTime());
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var reader = await classes.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                counts[reader.IsDBNull(0) ? "" : reader.GetString(0)] = (int)reader.GetInt64(1);
            }
        }

        return new PredictionHealth(requests, errors, p50, p95, counts);
    }

    /// <summary>Up to <paramref name="limit"/> of the latest successful predictions' input statistics since <paramref name="from"/>.</summary>
    public async Task<IReadOnlyList<PredictionSample>> SamplesAsync(string model, int version, DateTimeOffset from, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"""
            SELECT confidence, channel_means FROM {Table}
            WHERE model = $1 AND version = $2 AND at >= $3 AND succeeded AND channel_means IS NOT NULL
            ORDER BY at DESC LIMIT $4
            """, model, version, from.ToUniversalTime(), limit);
        var samples = new List<PredictionSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            samples.Add(new PredictionSample(reader.GetDouble(0), reader.GetFieldValue<double[]>(1)));
        }

        return samples;
    }

    /// <summary>Up to <paramref name="limit"/> of the latest successful predictions' input statistics logged in [from, to) (the monitor's closed window).</summary>
    public async Task<IReadOnlyList<PredictionSample>> SamplesAsync(string model, int version, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"""
            SELECT confidence, channel_means FROM {Table}
            WHERE model = $1 AND version = $2 AND at >= $3 AND at < $4 AND succeeded AND channel_means IS NOT NULL
            ORDER BY at DESC, id LIMIT $5
            """, model, version, from.ToUniversalTime(), to.ToUniversalTime(), limit);
        var samples = new List<PredictionSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            samples.Add(new PredictionSample(reader.GetDouble(0), reader.GetFieldValue<double[]>(1)));
        }

        return samples;
    }

    /// <summary>Online accuracy of one version from the feedback given in [from, to) (the monitor's closed window).</summary>
    public async Task<OnlineAccuracy> AccuracyAsync(string model, int version, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"""
            SELECT count(*), count(*) FILTER (WHERE label = predicted_label) FROM {Table}
            WHERE model = $1 AND version = $2 AND label IS NOT NULL AND labelled_at >= $3 AND labelled_at < $4
            """, model, version, from.ToUniversalTime(), to.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new OnlineAccuracy((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    /// <summary>Labels prediction <paramref name="id"/> with the reviewer's <paramref name="label"/>; null when no such prediction was logged.</summary>
    public async Task<FeedbackResult?> FeedbackAsync(Guid id, string label, string reviewer, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"""
            UPDATE {Table} SET label = $2, labelled_by = $3, labelled_at = $4 WHERE id = $1
            RETURNING model, version, predicted_label
            """, id, label, reviewer, at.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var predicted = reader.IsDBNull(2) ? null : reader.GetString(2);
        return new FeedbackResult(id, reader.GetString(0), reader.GetInt32(1), predicted, label, string.Equals(predicted, label, StringComparison.Ordinal));
    }

    /// <summary>Online accuracy of one version from the feedback given since <paramref name="from"/>.</summary>
    public async Task<OnlineAccuracy> AccuracyAsync(string model, int version, DateTimeOffset from, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"""
            SELECT count(*), count(*) FILTER (WHERE label = predicted_label) FROM {Table}
            WHERE model = $1 AND version = $2 AND label IS NOT NULL AND labelled_at >= $3
            """, model, version, from.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new OnlineAccuracy((int)reader.GetInt64(0), (int)reader.GetInt64(1));
    }

    /// <summary>How many predictions of a model are logged (all versions), for tests and operations.</summary>
    public async Task<long> CountAsync(string model, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command($"SELECT count(*) FROM {Table} WHERE model = $1", model);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public void Dispose() => _create.Dispose();

    private NpgsqlCommand Command(string sql, params object[] values)
    {
        var command = database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
