using System.Text.RegularExpressions;
using Marten;
using Npgsql;

namespace Orchestrator.Audit.Storage;

/// <summary>
/// Installs what makes the event table a ledger: the chain guard (an insert must link to its stream's
/// current head), the append-only guard (UPDATE, DELETE and TRUNCATE of events raise), and the grants
/// of the application role, which never gets UPDATE, DELETE or TRUNCATE on events. Run by the schema
/// owner (a migration role); the application role then connects with automatic schema changes off.
/// </summary>
public static partial class LedgerSchema
{
    /// <summary>SQLSTATE raised when an insert does not link to its stream's head (a concurrent append won).</summary>
    public const string ChainConflictState = "AL001";

    /// <summary>SQLSTATE raised when anyone tries to change or remove an event.</summary>
    public const string AppendOnlyState = "AL002";

    /// <summary>Creates/updates Marten's tables and installs the ledger's triggers in the store's schema.</summary>
    public static async Task ApplyAsync(IDocumentStore store, NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataSource);
        var s = Identifier(schema);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(Triggers(s));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grants <paramref name="role"/> what the service needs: read everything, append events, maintain read models.</summary>
    public static async Task GrantApplicationRoleAsync(NpgsqlDataSource dataSource, string schema, string role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var s = Identifier(schema);
        var r = Identifier(role);
        var sql = $"""
            GRANT USAGE ON SCHEMA {s} TO {r};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r};
            REVOKE UPDATE, DELETE, TRUNCATE ON {s}.mt_events FROM {r};
            REVOKE DELETE, TRUNCATE ON {s}.mt_streams FROM {r};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r};
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r};
            """;
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that <paramref name="name"/> is a plain lowercase SQL identifier (they are spliced into DDL).</summary>
    public static string Identifier(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return PlainIdentifier().IsMatch(name)
            ? name
            : throw new ArgumentException($"'{name}' is not a plain SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters).", nameof(name));
    }

    private static string Triggers(string s) => $"""
        CREATE OR REPLACE FUNCTION {s}.ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit ledger events are append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = '{AppendOnlyState}';
        END $$;

        CREATE OR REPLACE FUNCTION {s}.ledger_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE head text;
        BEGIN
          IF NEW.version = 1 THEN
            head := repeat('0', 64);
          ELSE
            SELECT e.headers ->> 'hash' INTO head FROM {s}.mt_events e
             WHERE e.stream_id = NEW.stream_id AND e.version = NEW.version - 1;
          END IF;
          IF head IS NULL OR NEW.headers IS NULL OR (NEW.headers ->> 'prev') IS DISTINCT FROM head
             OR (NEW.headers ->> 'hash') IS NULL THEN
            RAISE EXCEPTION 'ledger chain conflict: % version % does not link to its head', NEW.stream_id, NEW.version
              USING ERRCODE = '{ChainConflictState}';
          END IF;
          RETURN NEW;
        END $$;

        DROP TRIGGER IF EXISTS ledger_append_only ON {s}.mt_events;
        CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON {s}.mt_events
          FOR EACH ROW EXECUTE FUNCTION {s}.ledger_refuse_change();
        DROP TRIGGER IF EXISTS ledger_no_truncate ON {s}.mt_events;
        CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON {s}.mt_events
          FOR EACH STATEMENT EXECUTE FUNCTION {s}.ledger_refuse_change();
        DROP TRIGGER IF EXISTS ledger_chain_guard ON {s}.mt_events;
        CREATE TRIGGER ledger_chain_guard BEFORE INSERT ON {s}.mt_events
          FOR EACH ROW EXECUTE FUNCTION {s}.ledger_chain_guard();
        """;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();
}
