using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Operations.Policies;

/// <summary>Where deployments keep policy documents of their own, beside the shipped ones.</summary>
public sealed class PolicyCatalogOptions
{
    public const string Section = "Orchestrator:Policies";

    /// <summary>A directory of *.json policy documents; null for the shipped documents only.</summary>
    public string? Directory { get; set; }
}

/// <summary>One policy document version, named by the SHA-256 of its bytes.</summary>
public sealed record PolicyDocument(string Name, int Version, string Digest, string Description, byte[] Json);

/// <summary>
/// The versioned governance policies: the documents shipped with the workers plus a configured
/// directory. A document's digest (SHA-256 of its bytes) is what a run pins and the ledger records;
/// stage activities read their own section by that digest, so a run never sees a policy change.
/// </summary>
public sealed class PolicyCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, PolicyDocument> _byDigest = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int Version), PolicyDocument> _byVersion = [];

    public PolicyCatalog(IOptions<PolicyCatalogOptions> options)
    {
        var assembly = typeof(PolicyCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("policies/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            Add(buffer.ToArray(), $"shipped {resource}");
        }

        if (options.Value.Directory is { Length: > 0 } directory)
        {
            if (!System.IO.Directory.Exists(directory))
            {
                throw new InvalidOperationException($"{PolicyCatalogOptions.Section}:Directory '{directory}' does not exist.");
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
            {
                Add(File.ReadAllBytes(file), file);
            }
        }
    }

    /// <summary>Every policy version, by name then version.</summary>
    public IReadOnlyList<PolicyDocument> All => _byVersion.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version).ToList();

    /// <summary>The named policy at a version, or its latest version; null when there is none.</summary>
    public PolicyDocument? Find(PolicyRef policy) => policy.Version is { } version
        ? _byVersion.GetValueOrDefault((policy.Name, version))
        : _byVersion.Values.Where(p => p.Name == policy.Name).MaxBy(p => p.Version);

    /// <summary>The document a run pinned.</summary>
    public PolicyDocument ByDigest(string digest) =>
        FindByDigest(digest) ?? throw new KeyNotFoundException($"no policy document has digest {digest}");

    /// <summary>The document with <paramref name="digest"/>, or null when this catalog has none.</summary>
    public PolicyDocument? FindByDigest(string digest) => _byDigest.GetValueOrDefault(digest);

    /// <summary>What the workflow decides with.</summary>
    public static GovernanceTerms Terms(PolicyDocument document) =>
        JsonSerializer.Deserialize<GovernanceTerms>(document.Json, Json) ?? throw new InvalidDataException($"policy {document.Name} v{document.Version} is empty");

    /// <summary>A stage's section of the pinned document (e.g. "quality"), or null when the policy has none.</summary>
    public T? Section<T>(string digest, string section) where T : class
    {
        using var json = JsonDocument.Parse(ByDigest(digest).Json);
        return json.RootElement.TryGetProperty(section, out var element) ? element.Deserialize<T>(Json) : null;
    }

    private void Add(byte[] bytes, string origin)
    {
        // A document that fails validation is never used: not for new runs, not for replaying old ones.
        var validation = PolicyValidator.Validate(bytes);
        if (!validation.IsValid)
        {
            throw new InvalidPolicyException(origin, validation.Problems);
        }

        var header = validation.Document!;
        var document = new PolicyDocument(header.Name, header.Version, Digest.Of(bytes).ToString(), header.Description ?? "", bytes);
        if (_byVersion.TryGetValue((document.Name, document.Version), out var existing) && existing.Digest != document.Digest)
        {
            throw new InvalidDataException($"policy {document.Name} v{document.Version} is defined twice with different content ({origin}); publish a new version instead");
        }

        _byVersion[(document.Name, document.Version)] = document;
        _byDigest[document.Digest] = document;
    }
}
