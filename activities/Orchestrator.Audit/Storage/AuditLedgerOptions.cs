using Microsoft.Extensions.Options;

namespace Orchestrator.Audit.Storage;

/// <summary>Configuration of the audit ledger (section "Orchestrator:Audit").</summary>
public sealed class AuditLedgerOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Orchestrator:Audit";

    /// <summary>PostgreSQL connection string of the application role.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema holding the ledger (plain lowercase identifier).</summary>
    public string Schema { get; set; } = LedgerStore.DefaultSchema;

    /// <summary>Path of the checkpoint signing key (PKCS#8 PEM, ECDSA P-256). Never committed.</summary>
    public string CheckpointSigningKeyPath { get; set; } = "";

    /// <summary>Create the signing key when missing (development only).</summary>
    public bool GenerateDevelopmentKey { get; set; }

    /// <summary>Create/update tables and triggers at start (development, tests); false where a migration role installs them.</summary>
    public bool InstallSchema { get; set; }

    /// <summary>How often a signed checkpoint is taken; zero turns periodic checkpoints off.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Validates <see cref="AuditLedgerOptions"/> at start-up with messages naming the setting.</summary>
internal sealed class AuditLedgerOptionsValidator : IValidateOptions<AuditLedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditLedgerOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{AuditLedgerOptions.Section}:ConnectionString is required.");
        }

        if (string.IsNullOrWhiteSpace(options.CheckpointSigningKeyPath))
        {
            failures.Add($"{AuditLedgerOptions.Section}:CheckpointSigningKeyPath is required (a PKCS#8 PEM ECDSA P-256 key).");
        }
        else if (!options.GenerateDevelopmentKey && !File.Exists(options.CheckpointSigningKeyPath))
        {
            failures.Add($"{AuditLedgerOptions.Section}:CheckpointSigningKeyPath '{options.CheckpointSigningKeyPath}' does not exist.");
        }

        try
        {
            LedgerSchema.Identifier(options.Schema);
        }
        catch (ArgumentException)
        {
            failures.Add($"{AuditLedgerOptions.Section}:Schema '{options.Schema}' must be a plain lowercase SQL identifier.");
        }

        if (options.CheckpointInterval < TimeSpan.Zero)
        {
            failures.Add($"{AuditLedgerOptions.Section}:CheckpointInterval must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
