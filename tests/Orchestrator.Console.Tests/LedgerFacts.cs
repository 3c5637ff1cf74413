using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Console.Tests;

/// <summary>Facts written straight into the service's ledger (as the monitor's activities would), and tampering done as a database superuser.</summary>
public static class LedgerFacts
{
    /// <summary>A model stream of its own with one version and <paramref name="psi"/> measured over time, the last one over the threshold.</summary>
    public static async Task<string> DriftedModelAsync(ConsoleService service, string model, IReadOnlyList<double> psi)
    {
        var ledger = service.Services.GetRequiredService<IAuditLedger>();
        var stream = AuditStreams.Model(model);
        var context = new AuditContext(Actor.Service("orchestrator-worker", "console-tests@host"), new Correlation($"model-monitor-{model}", ""), null, []);
        var token = TestContext.Current.CancellationToken;
        await ledger.AppendAsync(stream, new ModelExported(1, "0123456789abcdef01234567", "sha256:" + new string('1', 64), "sha256:" + new string('2', 64), "blob://none", 1e-7),
            context, "exported", token);
        for (var i = 0; i < psi.Count; i++)
        {
            await ledger.AppendAsync(stream, new DriftMeasured(1, "psi-intensity", psi[i], 0.25, 120), context, $"drift-{i}", token);
        }

        await ledger.AppendAsync(stream, new DriftDetected(1, "psi-intensity", psi[^1], 0.25), context, "detected", token);
        return stream;
    }

    /// <summary>Changes one entry's payload behind the ledger's back (triggers off), as the audit tests' tamper cases do.</summary>
    public static async Task TamperAsync(ConsoleService service, string stream, long version)
    {
        await using var connection = new NpgsqlConnection(service.PostgresConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SET session_replication_role = replica; UPDATE audit.mt_events SET data = jsonb_set(data, '{Value}', '0.01') WHERE stream_id = @stream AND version = @version",
            connection);
        command.Parameters.AddWithValue("stream", stream);
        command.Parameters.AddWithValue("version", version);
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }
}
