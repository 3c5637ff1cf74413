using Npgsql;

namespace Orchestrator.Audit.Storage;

/// <summary>
/// Where copies of the checkpoints are kept outside PostgreSQL (section "Orchestrator:Audit:Anchors"): a Blob
/// Storage container of their own, ideally in another account or under another credential than the service's
/// artifacts, with an immutability policy (docs/audit-ledger.md, "Anchors").
/// </summary>
public sealed class CheckpointAnchorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = AuditLedgerOptions.Section + ":Anchors";

    /// <summary>The container used when none is configured.</summary>
    public const string DefaultContainer = "audit-checkpoints";

    /// <summary>Connection string of the storage account holding the copies (a credential that can create blobs; it never needs delete).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The container (created at first use when missing).</summary>
    public string Container { get; set; } = DefaultContainer;

    /// <summary>The folder of this ledger's copies in the container; empty means "{database}/{schema}/" of the ledger's connection.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>The prefix in effect: <see cref="Prefix"/>, or one derived from the ledger's database and schema so ledgers sharing a container never mix.</summary>
    public string PrefixFor(string ledgerConnectionString, string schema)
    {
        if (Prefix.Length > 0)
        {
            return Prefix.EndsWith('/') ? Prefix : Prefix + "/";
        }

        var database = new NpgsqlConnectionStringBuilder(ledgerConnectionString).Database;
        return $"{(string.IsNullOrEmpty(database) ? "postgres" : database)}/{schema}/";
    }

    /// <summary>Blob container names: 3-63 lowercase letters, digits and single hyphens.</summary>
    internal static bool IsContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 } c && c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')
        && !c.StartsWith('-') && !c.EndsWith('-') && !c.Contains("--", StringComparison.Ordinal);
}
