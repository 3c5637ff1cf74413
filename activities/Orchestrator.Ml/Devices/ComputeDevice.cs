using TorchSharp;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// Chooses where tensors live: CUDA when this build is the CUDA one (-p:Accelerator=cuda), the host's CUDA
/// libtorch loaded (<see cref="LibTorchLoader"/>) and a GPU answers, else the CPU. Forcing "cpu" or "cuda" is
/// for tests and operators.
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

    /// <summary>Whether this is the CUDA build, which ships no libtorch and must load the host's first.</summary>
    public static bool IsCudaBuild => BuiltFor == "cuda";

    /// <summary>
    /// Picks the device: <paramref name="preference"/> is "auto", "cpu" or "cuda"; <paramref name="gpu"/> (default:
    /// the Orchestrator__Gpu__* environment variables) says where the CUDA libtorch is and which device to use.
    /// </summary>
    public static torch.Device Select(string preference = "auto", GpuOptions? gpu = null)
    {
        ArgumentNullException.ThrowIfNull(preference);
        var choice = preference.ToLowerInvariant();
        if (choice is not ("cpu" or "cuda" or "auto"))
        {
            throw new ArgumentException($"Unknown device '{preference}': use auto, cpu or cuda.", nameof(preference));
        }

        if (!IsCudaBuild)
        {
            return choice switch
            {
                "cuda" => throw new InvalidOperationException(
                    $"CUDA was requested but this build is for '{BuiltFor}' (GPU hosts build with -p:Accelerator=cuda)."),
                _ => torch.CPU,
            };
        }

        gpu ??= GpuOptions.FromEnvironment();
        EnsureNativeBackend(gpu);
        return choice switch
        {
            "cpu" => torch.CPU,
            "cuda" => CudaDevice.Select(gpu),
            _ => torch.cuda.is_available() ? CudaDevice.Select(gpu) : torch.CPU,
        };
    }

    /// <summary>
    /// In the CUDA build, loads the host's libtorch before the first tensor (TorchSharp would otherwise look for
    /// its own natives, which that build does not ship); throws <see cref="LibTorchUnavailableException"/> when
    /// none is usable. Nothing to do in the CPU build.
    /// </summary>
    public static void EnsureNativeBackend(GpuOptions? gpu = null)
    {
        if (IsCudaBuild)
        {
            LibTorchLoader.EnsureLoaded(gpu ?? GpuOptions.FromEnvironment());
        }
    }

    /// <summary>
    /// Library versions recorded with every training run in the audit trail: on the CPU with the host's
    /// capability and the <see cref="BackendSelfCheck"/> result; on CUDA with the GPU, driver, CUDA, cuDNN and
    /// libtorch versions and the TF32 setting (<see cref="CudaDevice.Describe"/>).
    /// </summary>
    public static string Describe(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA)
        {
            return CudaDevice.Describe(device);
        }

        var libraries = $"device={device.type.ToString().ToLowerInvariant()} torchsharp={typeof(torch).Assembly.GetName().Version} libtorch={LibTorchLoader.Loaded?.Version ?? torch.__version__} build={BuiltFor}";
        return $"{libraries} {BackendSelfCheck.Result.Describe()}";
    }
}
