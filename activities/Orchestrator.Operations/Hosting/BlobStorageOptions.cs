using Microsoft.Extensions.Options;

namespace Orchestrator.Operations.Hosting;

/// <summary>Where artifacts are kept (section "Orchestrator:Blob"); the one options class of that section.</summary>
public sealed class BlobStorageOptions
{
    public const string Section = "Orchestrator:Blob";

    /// <summary>Connection string of the storage account (Azure Storage or Azurite).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The artifact container (created at first use when missing).</summary>
    public string Container { get; set; } = "artifacts";

    internal sealed class Validator : IValidateOptions<BlobStorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, BlobStorageOptions options)
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
