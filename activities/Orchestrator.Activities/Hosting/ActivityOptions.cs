using Microsoft.Extensions.Options;
using Orchestrator.Activities.Common;

namespace Orchestrator.Activities.Hosting;

/// <summary>Where the workers keep artifacts (section "Orchestrator:Blob").</summary>
public sealed class ArtifactStorageOptions
{
    public const string Section = "Orchestrator:Blob";

    /// <summary>Connection string of the storage account (Azure Storage or Azurite).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The artifact container (created at first use when missing).</summary>
    public string Container { get; set; } = "artifacts";

    internal sealed class Validator : IValidateOptions<ArtifactStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, ArtifactStorageOptions options)
        {
            var failures = new List<string>();
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{Section}:ConnectionString is required (an Azure Storage or Azurite connection string).");
            }

            // Blob container names: 3-63 lowercase letters, digits and single hyphens.
            if (options.Container is not { Length: >= 3 and <= 63 } c || !c.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-')
                || c.StartsWith('-') || c.EndsWith('-') || c.Contains("--", StringComparison.Ordinal))
            {
                failures.Add($"{Section}:Container '{options.Container}' is not a valid blob container name (3-63 lowercase letters, digits, single hyphens).");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>How this worker names itself in the audit trail (section "Orchestrator:Worker").</summary>
public sealed class WorkerIdentityOptions
{
    public const string Section = "Orchestrator:Worker";

    /// <summary>The service name recorded as the actor of stage facts.</summary>
    public string Service { get; set; } = "orchestrator-worker";

    /// <summary>This worker's identity; empty for "{pid}@{host}". Also the Temporal worker identity.</summary>
    public string Identity { get; set; } = "";

    /// <summary>The identity the audit trail records.</summary>
    public WorkerIdentity ToIdentity() =>
        Identity is { Length: > 0 } identity ? new WorkerIdentity(Service, identity) : WorkerIdentity.Current(Service);
}
