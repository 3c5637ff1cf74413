using Microsoft.Extensions.Logging;
using Orchestrator.Ml.Devices;

namespace Orchestrator.Operations.Serving;

/// <summary>The log lines that say which ONNX Runtime execution provider a session got, a fallback to the CPU as a warning.</summary>
public static partial class ProviderLog
{
    /// <summary>Logs <paramref name="provider"/> for the model <paramref name="digest"/>: information on the provider asked for, a warning on a fallback.</summary>
    public static void Loaded(ILogger logger, string digest, OnnxProvider provider)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.FallbackReason is null)
        {
            Selected(logger, digest, provider.Name);
        }
        else
        {
            FellBack(logger, digest, provider.FallbackReason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ONNX model {Digest} runs on ONNX Runtime's {Provider} execution provider")]
    private static partial void Selected(ILogger logger, string digest, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ONNX model {Digest} falls back to ONNX Runtime's CPU execution provider: the CUDA provider is unavailable ({Reason})")]
    private static partial void FellBack(ILogger logger, string digest, string reason);
}
