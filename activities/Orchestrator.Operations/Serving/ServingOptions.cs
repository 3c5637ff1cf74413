namespace Orchestrator.Operations.Serving;

/// <summary>Online serving settings (section "Orchestrator:Serving").</summary>
public sealed class ServingOptions
{
    public const string Section = "Orchestrator:Serving";

    /// <summary>Share (0-1) of served requests whose predictions are logged for monitoring; errors are always logged.</summary>
    public double SampleRate { get; set; } = 1.0;

    /// <summary>Most images in one JSON batch.</summary>
    public int MaxBatch { get; set; } = 32;

    /// <summary>Largest predict request body in bytes (a JSON batch carries base64, a third larger than the images).</summary>
    public int MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Keep the encoded images in the prediction log. Enable only where the datasets' policy allows keeping inputs.</summary>
    public bool StoreImages { get; set; }

    /// <summary>ONNX Runtime intra-op threads per session (0: ONNX Runtime decides).</summary>
    public int IntraOpThreads { get; set; } = 1;
}
