using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.BaseModels;
using Orchestrator.Audit.Ledger;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Weights;
using Orchestrator.Operations.Artifacts;

namespace Orchestrator.Operations.BaseModels;

/// <summary>What a registration asks for: a name, the architecture the weights must fit, where the weights file is, and the registrant's statements.</summary>
/// <param name="Name">The base model's name (runs name it).</param>
/// <param name="Architecture">A catalogue architecture ("resnet18", "resnet50", "mobilenet_v3_small", ...).</param>
/// <param name="Location">A .safetensors, *.safetensors.index.json (shards beside it) or .pt/.pth file: a path under a local data root, or blob://container/path.</param>
/// <param name="Source">Where the weights come from.</param>
/// <param name="Licence">Their licence.</param>
/// <param name="Description">What they are.</param>
public sealed record BaseModelRequest(string Name, string Architecture, string Location, string Source, string Licence, string? Description);

/// <summary>A registered base model: its registration entry's event and when it was recorded.</summary>
public sealed record BaseModelRecord(BaseModelRegistered Registration, string RegisteredBy, DateTimeOffset RegisteredAt)
{
    /// <summary>The record of a <see cref="BaseModelRegistered"/> entry: its actor registered it, at the entry's time.</summary>
    public static BaseModelRecord From(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new BaseModelRecord((BaseModelRegistered)entry.Data, entry.Context.Actor.Id, entry.RecordedAt);
    }
}

/// <summary>Why weights were refused; <see cref="Key"/> names the first key that does not fit (null for a damaged or unreadable file).</summary>
public sealed class BaseModelRefusedException(string message, string? key = null, string? problem = null, Exception? inner = null) : Exception(message, inner)
{
    public string? Key { get; } = key;

    public string? Problem { get; } = problem;
}

/// <summary>
/// Registers pretrained weights as a named base model: reads the file (local data root or Blob Storage), checks every key and
/// shape against the architecture (<see cref="BaseModelImporter"/>), stores the canonical weights content-addressed and records
/// <see cref="BaseModelRegistered"/> on the base model's stream, once. Registering the same weights under the same name again
/// finds the first registration; other weights under a taken name are a conflict. Runs resolve a name with <see cref="FindAsync"/>.
/// </summary>
/// <remarks>The roots are plain paths in the public signature: the API uses this class and must not reference the ML library's types.</remarks>
public sealed class BaseModelRegistry(IAuditLedger ledger, BlobArtifactStore store, BlobContainerClient container, IReadOnlyList<string> localRoots)
{
    private readonly LocalDataRoots roots = new(localRoots);

    /// <summary>The media type of canonical weights in the artifact store.</summary>
    public const string WeightsMediaType = "application/vnd.safetensors";

    private const string RegisteredKey = "base-model-registered";

    /// <summary>Imports and records; Created is false when the name was registered before (Record is then the first registration, and
    /// ImportedDigest tells whether these are the same weights).</summary>
    /// <exception cref="BaseModelRefusedException">The file is missing, unreadable, damaged, or does not fit the architecture.</exception>
    public async Task<(bool Created, BaseModelRecord Record, string ImportedDigest)> RegisterAsync(BaseModelRequest request, Actor actor, string causation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var imported = await ImportAsync(request, cancellationToken).ConfigureAwait(false);
        if (await FindAsync(request.Name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return (false, existing, imported.Digest);
        }

        var stored = await store.PutAsync(imported.Canonical, WeightsMediaType, cancellationToken).ConfigureAwait(false);
        var registered = new BaseModelRegistered(request.Name, imported.ArchitectureName ?? request.Architecture, imported.Architecture.ToString(), imported.Digest, stored.Uri,
            request.Location, imported.Format.ToString(), [.. imported.Files.Select(f => $"{f.Name}={f.Digest}")], request.Source, request.Licence, request.Description,
            imported.SourceClasses, imported.KeyCount, imported.ParameterCount, [.. imported.StoredTypes.Select(t => t.ToString())],
            new SortedDictionary<string, string>(imported.Preprocessing.ToMetadata().ToDictionary(), StringComparer.Ordinal));
        var context = new AuditContext(actor, new Correlation($"api/base-models/{request.Name}", ""), causation,
            [EvidenceDigest.Of("base-model-weights", Contracts.Digest.Parse(stored.Digest), stored.Uri)]);
        await ledger.AppendAsync(AuditStreams.BaseModel(request.Name), registered, context, RegisteredKey, cancellationToken).ConfigureAwait(false);
        return (true, (await FindAsync(request.Name, cancellationToken).ConfigureAwait(false))!, imported.Digest);
    }

    /// <summary>The registration of <paramref name="name"/>, or null when there is none.</summary>
    public async Task<BaseModelRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var entries = await ledger.ReadStreamAsync(AuditStreams.BaseModel(name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entries.FirstOrDefault(e => e.Data is BaseModelRegistered) is { } entry ? BaseModelRecord.From(entry) : null;
    }

    private async Task<ImportedWeights> ImportAsync(BaseModelRequest request, CancellationToken cancellationToken)
    {
        string? scratch = null;
        try
        {
            string path;
            if (request.Location.StartsWith(BlobWeights.Scheme, StringComparison.Ordinal))
            {
                scratch = Directory.CreateTempSubdirectory("orchestrator-weights-").FullName;
                path = await BlobWeights.DownloadAsync(container.GetParentBlobServiceClient(), request.Location, scratch, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                path = roots.Resolve(request.Location);
            }

            return BaseModelImporter.Import(path, request.Architecture);
        }
        catch (WeightsMismatchException e)
        {
            throw new BaseModelRefusedException(e.Message, e.Key, e.Problem.ToString(), e);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException or Azure.RequestFailedException)
        {
            throw new BaseModelRefusedException($"The weights at '{request.Location}' cannot be imported: {e.Message}", inner: e);
        }
        finally
        {
            if (scratch is not null)
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
