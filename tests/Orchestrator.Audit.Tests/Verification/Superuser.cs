using Npgsql;

namespace Orchestrator.Audit.Tests.Verification;

/// <summary>A superuser working behind the ledger's back: triggers off (session_replication_role = replica), raw SQL.</summary>
internal static class Superuser
{
    public static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        // Several statements in one command need named parameters: $n becomes @pn.
        var named = System.Text.RegularExpressions.Regex.Replace(sql, @"\$(\d+)", "@p$1");
        await using var command = new NpgsqlCommand($"SET session_replication_role = replica; {named}", connection);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i + 1}", parameters[i]);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
