using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;

namespace Orchestrator.Api.Datasets;

/// <summary>
/// Registered dataset sources live beside the artifacts, as "registry/datasets/{name}.json" blobs written
/// create-only (registering is idempotent for identical content, a conflict otherwise). Versions are not
/// stored here: they are the manifests runs acquired from the source, read from the ledger.
/// </summary>
public sealed class DatasetRegistry(BlobContainerClient container, LedgerDatabase ledger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What a run's RunRequested names as its source when it used a registered dataset.</summary>
    public static string SourceName(string name) => $"registered:{name}";

    /// <summary>Registers; false when the name is taken by a different source.</summary>
    public async Task<(bool Created, DatasetRegistration Stored)> RegisterAsync(DatasetRegistration registration, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(BlobName(registration.Name));
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(registration, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken);
            return (true, registration);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return (false, (await FindAsync(registration.Name, cancellationToken))!);
        }
    }

    public async Task<DatasetRegistration?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await container.GetBlobClient(BlobName(name)).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<DatasetRegistration>(Json);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The manifests acquired by runs that used the registered dataset, oldest first.</summary>
    public async Task<IReadOnlyList<DatasetVersionView>> VersionsAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = ledger.DataSource.CreateCommand(EventTables.DatasetVersions(ledger));
        command.Parameters.Add(new() { Value = LedgerJson.TypeName(typeof(RunRequested)) });
        command.Parameters.Add(new() { Value = LedgerJson.TypeName(typeof(DatasetAcquired)) });
        command.Parameters.Add(new() { Value = SourceName(name) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<DatasetVersionView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new DatasetVersionView(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<string[]>(3)));
        }

        return versions;
    }

    private static string BlobName(string name) => $"registry/datasets/{name}.json";
}
