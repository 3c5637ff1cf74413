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

    /// <summary>
    /// How often a signed checkpoint is taken; zero turns periodic checkpoints off. Verification accepts entries no
    /// checkpoint covers yet only while they are younger than this (plus <see cref="TailSlack"/>), and reports
    /// them as an unanchored tail; with zero it accepts none.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where copies of the checkpoints are kept outside PostgreSQL.</summary>
    public CheckpointAnchorOptions Anchors { get; set; } = new();

    /// <summary>What the age of uncovered entries may exceed the interval by: the time a checkpoint itself takes, with room to spare.</summary>
    public static readonly TimeSpan TailSlack = TimeSpan.FromMinutes(1);

    /// <summary>How old the oldest entry no checkpoint covers may be before verification fails.</summary>
    public TimeSpan UnanchoredTailAllowance => CheckpointInterval > TimeSpan.Zero ? CheckpointInterval + TailSlack : TimeSpan.Zero;
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

        if (string.IsNullOrWhiteSpace(options.Anchors.ConnectionString))
        {
            failures.Add($"{CheckpointAnchorOptions.Section}:ConnectionString is required (a Blob Storage connection string for the checkpoint copies kept outside PostgreSQL).");
        }

        if (!CheckpointAnchorOptions.IsContainerName(options.Anchors.Container))
        {
            failures.Add($"{CheckpointAnchorOptions.Section}:Container '{options.Anchors.Container}' is not a valid blob container name (3-63 lowercase letters, digits, single hyphens).");
        }

        if (options.CheckpointInterval < TimeSpan.Zero)
        {
            failures.Add($"{AuditLedgerOptions.Section}:CheckpointInterval must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
