using TorchSharp;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// Chooses where tensors live: CUDA when this build carries the CUDA natives (-p:Accelerator=cuda)
/// and a GPU answers, else the CPU. Forcing "cpu" or "cuda" is for tests and operators.
/// </summary>
public static class ComputeDevice
{
    /// <summary>The accelerator this assembly was built for ("cpu" or "cuda").</summary>
    public const string BuiltFor =
#if ACCELERATOR_CUDA
        "cuda";
#else
        "cpu";
#endif

    /// <summary>Picks the device: <paramref name="preference"/> is "auto", "cpu" or "cuda".</summary>
    public static torch.Device Select(string preference = "auto")
    {
        switch (preference.ToLowerInvariant())
        {
            case "cpu":
                return torch.CPU;
            case "cuda" when !torch.cuda.is_available():
                throw new InvalidOperationException(
                    $"CUDA was requested but is not available (this build is for '{BuiltFor}'; GPU hosts build with -p:Accelerator=cuda).");
            case "cuda":
                return torch.CUDA;
            case "auto":
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            default:
                throw new ArgumentException($"Unknown device '{preference}': use auto, cpu or cuda.", nameof(preference));
        }
    }

    /// <summary>
    /// Library versions recorded with every training run in the audit trail and, on the CPU, the host's
    /// capability and the <see cref="BackendSelfCheck"/> result.
    /// </summary>
    public static string Describe(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var libraries = $"device={device.type.ToString().ToLowerInvariant()} torchsharp={typeof(torch).Assembly.GetName().Version} libtorch={torch.__version__} build={BuiltFor}";
        return device.type == DeviceType.CPU ? $"{libraries} {BackendSelfCheck.Result.Describe()}" : libraries;
    }
}
