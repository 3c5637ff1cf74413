using Orchestrator.Ml.Data;

namespace Orchestrator.Api.Predictions;

/// <summary>
/// What one predict request may make the API decode (section "Orchestrator:Serving", beside the serving settings):
/// every image's header is checked against <see cref="MaxImageSide"/> and <see cref="MaxImagePixels"/>, and the
/// request's images together against <see cref="MaxRequestPixels"/>, before any pixel is decoded; at most
/// <see cref="MaxConcurrentDecodes"/> requests decode and predict at once. Worst-case decode memory is therefore about
/// MaxConcurrentDecodes x MaxRequestPixels x 7 bytes (3 for the RGB result, about as much again inside the decoder):
/// 2 x 16.7 M x 7, about 235 MB, on a 2-core machine with the defaults.
/// </summary>
public sealed class PredictLimits
{
    public const string Section = "Orchestrator:Serving";

    /// <summary>Largest accepted image width or height in pixels.</summary>
    public int MaxImageSide { get; set; } = 4096;

    /// <summary>Largest accepted width x height of one image.</summary>
    public long MaxImagePixels { get; set; } = 4096L * 4096;

    /// <summary>Largest accepted sum of width x height over the images of one request.</summary>
    public long MaxRequestPixels { get; set; } = 4096L * 4096;

    /// <summary>Requests that decode and predict at once; 0 for one per processor.</summary>
    public int MaxConcurrentDecodes { get; set; }

    /// <summary>How long a request waits for a decode slot before it is answered 503 with Retry-After.</summary>
    public TimeSpan DecodeWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The per-image limits as the codec takes them.</summary>
    public ImageLimits Images => new(MaxImageSide, MaxImagePixels);
}

/// <summary>
/// Bounds how many predict requests decode and run at once (<see cref="PredictLimits.MaxConcurrentDecodes"/>), so
/// predict load cannot take the API's memory: a slot is held from the first decode until the prediction is made,
/// which is as long as the decoded pixels live.
/// </summary>
public sealed class DecodeSlots(Microsoft.Extensions.Options.IOptions<PredictLimits> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Count(options.Value), Count(options.Value));

    /// <summary>Slots in all.</summary>
    public int Capacity { get; } = Count(options.Value);

    /// <summary>A held slot (dispose to free it), or null when none freed up within <see cref="PredictLimits.DecodeWait"/>.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(options.Value.DecodeWait, cancellationToken) ? new Slot(_slots) : null;

    private static int Count(PredictLimits limits) => limits.MaxConcurrentDecodes > 0 ? limits.MaxConcurrentDecodes : Environment.ProcessorCount;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
