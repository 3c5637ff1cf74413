using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// Checkpoint copies in an Azure Blob Storage container of their own, one blob per checkpoint named
/// <c>{prefix}checkpoint-{number:D12}.json</c>, created with If-None-Match: * so an existing copy is never
/// replaced. An immutability policy on the container (time-based retention, or version-level WORM) makes the
/// platform refuse deletion and replacement too; the store never asks for either.
/// </summary>
public sealed class BlobCheckpointAnchorStore : ICheckpointAnchorStore
{
    private const string NameStart = "checkpoint-";
    private const string NameEnd = ".json";
    private readonly BlobContainerClient _container;
    private readonly string _prefix;
    private volatile bool _exists;

    /// <param name="container">The container (created at first use when missing).</param>
    /// <param name="prefix">A folder per ledger inside the container ("" or ending in '/').</param>
    public BlobCheckpointAnchorStore(BlobContainerClient container, string prefix)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(prefix);
        _container = container;
        _prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    /// <inheritdoc />
    public string Location => $"{_container.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{_prefix}";

    /// <inheritdoc />
    public async Task<bool> WriteAsync(long number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient(NameOf(number));
        try
        {
            await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var existing = await ReadAsync(number, cancellationToken).ConfigureAwait(false);
            return existing is not null && existing.Content.AsSpan().SequenceEqual(content.Span)
                ? false
                : throw new CheckpointAnchorException($"{blob.Name} in {Location} already holds a different copy of checkpoint {number}");
        }
        catch (Exception e) when (Unreachable(e))
        {
            throw new CheckpointAnchorException($"the checkpoint anchor store {Location} cannot be written: {Describe(e)}", e);
        }
    }

    /// <inheritdoc />
    public async Task<CheckpointAnchor?> ReadAsync(long number, CancellationToken cancellationToken = default)
    {
        var name = NameOf(number);
        try
        {
            var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new CheckpointAnchor(number, name, content.Value.Content.ToArray());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (Unreachable(e))
        {
            throw new CheckpointAnchorException($"the checkpoint anchor store {Location} cannot be read: {Describe(e)}", e);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckpointAnchor>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var found = new ConcurrentBag<CheckpointAnchor>();
        try
        {
            var names = new List<(long Number, string Name)>();
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix }, cancellationToken).ConfigureAwait(false))
            {
                if (NumberOf(item.Name) is { } number)
                {
                    names.Add((number, item.Name));
                }
            }

            // Verification reads every copy: a handful at a time, so a long history is not fetched one by one.
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (n, token) =>
            {
                var content = await _container.GetBlobClient(n.Name).DownloadContentAsync(token).ConfigureAwait(false);
                found.Add(new CheckpointAnchor(n.Number, n.Name, content.Value.Content.ToArray()));
            }).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return [];
        }
        catch (Exception e) when (Unreachable(e))
        {
            throw new CheckpointAnchorException($"the checkpoint anchor store {Location} cannot be read: {Describe(e)}", e);
        }

        return [.. found.OrderBy(a => a.Number)];
    }

    private string NameOf(long number) => $"{_prefix}{NameStart}{number.ToString("D12", CultureInfo.InvariantCulture)}{NameEnd}";

    private long? NumberOf(string name)
    {
        var local = name.AsSpan(_prefix.Length);
        return local.StartsWith(NameStart, StringComparison.Ordinal) && local.EndsWith(NameEnd, StringComparison.Ordinal)
            && long.TryParse(local[NameStart.Length..^NameEnd.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        // Concurrent first writes may both ask; creating an existing container is harmless.
        if (!_exists)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _exists = true;
        }
    }

    private static bool Unreachable(Exception e) => e is RequestFailedException or AggregateException or HttpRequestException or IOException;

    // Azure's messages span several lines (status, headers); the first says what happened.
    private static string Describe(Exception e) => e switch
    {
        RequestFailedException r => $"{r.Status} {r.ErrorCode ?? r.Message.Split('\n')[0].Trim()}",
        AggregateException { InnerException: { } inner } => Describe(inner),
        _ => e.Message.Split('\n')[0].Trim(),
    };
}
