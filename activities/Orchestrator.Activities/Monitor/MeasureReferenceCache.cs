using System.Collections.Concurrent;
using Orchestrator.Contracts;
using Orchestrator.Ml.Monitoring;
using Orchestrator.Operations.Artifacts;

namespace Orchestrator.Activities.Monitor;

/// <summary>
/// Parsed training references by digest. A reference is immutable (content-addressed), so an hourly check
/// of the same version reads it from Blob Storage once per worker process; verified on load by the store.
/// </summary>
public sealed class MeasureReferenceCache(BlobArtifactStore store)
{
    /// <summary>A worker monitors a handful of production versions; past this the cache starts afresh.</summary>
    private const int MaxEntries = 64;

    private readonly ConcurrentDictionary<string, TrainingReference> _references = new(StringComparer.Ordinal);

    /// <summary>The reference stored under <paramref name="digest"/> ("sha256:..." or bare hex).</summary>
    public async Task<TrainingReference> GetAsync(string digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var key = Digest.ParseEither(digest).ToString();
        if (_references.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var reference = TrainingReference.FromJson(await store.GetAsync(key, cancellationToken).ConfigureAwait(false));
        if (_references.Count >= MaxEntries)
        {
            _references.Clear();
        }

        return _references.GetOrAdd(key, reference);
    }
}
