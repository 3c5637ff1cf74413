using Azure.Storage.Blobs;
using Xunit;

namespace Orchestrator.Testing;

/// <summary>A fresh blob container on Azurite (or the configured account) for one test class, deleted afterwards.</summary>
public sealed class BlobContainer : IAsyncLifetime
{
    public string Name { get; } = $"test-{Guid.NewGuid():N}";

    public string ConnectionString { get; private set; } = "";

    public BlobContainerClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await TestServers.BlobAsync();
        Client = new BlobServiceClient(ConnectionString).GetBlobContainerClient(Name);
        await Client.CreateIfNotExistsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DeleteIfExistsAsync();
        }
    }
}
