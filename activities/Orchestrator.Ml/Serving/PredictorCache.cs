using System.Collections.Concurrent;
using Orchestrator.Contracts;

namespace Orchestrator.Ml.Serving;

/// <summary>
/// Loaded predictors keyed by the ONNX file's SHA-256 (a version's identity in the registry). Bytes come
/// from a loader (Blob Storage in the service) and are verified against the digest before a session is
/// created, so a swapped or corrupted blob is never served. Concurrent first requests share one load.
/// <paramref name="preferCuda"/> puts the sessions on ONNX Runtime's CUDA provider where it loads
/// (<see cref="Devices.OnnxExecution"/>); <paramref name="onLoaded"/> hears which provider each one got.
/// </summary>
public sealed class PredictorCache(Func<string, CancellationToken, Task<byte[]>> load, int intraOpThreads = 1, bool preferCuda = false,
    Action<string, Devices.OnnxProvider>? onLoaded = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<OnnxPredictor>>> _predictors = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Lazy<Task<OnnxPredictor>>> _evicted = [];

    /// <summary>The predictor of the model whose ONNX file has <paramref name="digest"/> ("sha256:..."), loading it on first use.</summary>
    public Task<OnnxPredictor> GetAsync(string digest, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(digest);
        var lazy = _predictors.GetOrAdd(digest, d => new Lazy<Task<OnnxPredictor>>(() => LoadAsync(d)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed load (blob missing, digest mismatch) is not cached: the next request tries again.
            _predictors.TryRemove(new KeyValuePair<string, Lazy<Task<OnnxPredictor>>>(digest, lazy));
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>True when the predictor for <paramref name="digest"/> is loaded.</summary>
    public bool IsLoaded(string digest) => _predictors.TryGetValue(digest, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully;

    /// <summary>
    /// Drops a version that will never be served again (decommissioned). Its session is not disposed here,
    /// since requests may still be running on it; it is disposed with the cache (decommissions are rare).
    /// </summary>
    public bool Evict(string digest)
    {
        if (!_predictors.TryRemove(digest, out var lazy))
        {
            return false;
        }

        _evicted.Add(lazy);
        return true;
    }

    private async Task<OnnxPredictor> LoadAsync(string digest)
    {
        // Not the first caller's token: a cancelled request must not fail the load others are waiting for.
        var bytes = await load(digest, CancellationToken.None).ConfigureAwait(false);
        var actual = Digest.Of(bytes).ToString();
        if (!string.Equals(actual, digest, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The ONNX model loaded for {digest} has digest {actual}; refusing to serve it.");
        }

        var predictor = new OnnxPredictor(bytes, intraOpThreads, preferCuda);
        onLoaded?.Invoke(digest, predictor.Provider);
        return predictor;
    }

    public void Dispose()
    {
        foreach (var lazy in _predictors.Values.Concat(_evicted))
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }

        _predictors.Clear();
    }
}
