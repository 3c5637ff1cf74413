using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// The CUDA device of a GPU worker: selected after the host's CUDA libtorch is loaded, with TF32 set for it,
/// and described for the training evidence (device name, compute capability, driver, CUDA, cuDNN and libtorch
/// versions). TorchSharp 0.107 exposes none of the device's properties, so they come from NVML and cuDNN.
/// </summary>
public static class CudaDevice
{
    private static readonly Lock Gate = new();
    private static string? tf32;

    /// <summary>
    /// Loads the CUDA libtorch (<see cref="LibTorchLoader"/>), checks that device <see cref="GpuOptions.DeviceIndex"/>
    /// answers, and sets TF32 (on by default from Ampere, compute capability 8.0). Throws
    /// <see cref="LibTorchUnavailableException"/> or <see cref="InvalidOperationException"/> with one line when not.
    /// </summary>
    public static torch.Device Select(GpuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var libtorch = LibTorchLoader.EnsureLoaded(options);
        if (!torch.cuda.is_available())
        {
            throw new InvalidOperationException($"no CUDA device answers (libtorch {libtorch.Version} from {libtorch.Directory}; CUDA_VISIBLE_DEVICES={Visible ?? "unset"})");
        }

        var count = torch.cuda.device_count();
        if (options.DeviceIndex >= count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{GpuOptions.Section}:DeviceIndex is {options.DeviceIndex} but {count} CUDA device(s) are visible (CUDA_VISIBLE_DEVICES={Visible ?? "unset"})"));
        }

        SetTf32(options);
        return new torch.Device(DeviceType.CUDA, options.DeviceIndex);
    }

    /// <summary>CUDA_VISIBLE_DEVICES of this process.</summary>
    public static string? Visible => Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");

    /// <summary>The TF32 setting as recorded, e.g. "on (compute capability 9.0)"; null before <see cref="Select"/>.</summary>
    public static string? Tf32 => tf32;

    /// <summary>
    /// For the training evidence: <c>device=cuda:0 gpu="NVIDIA H200" capability=9.0 driver=570.86 driver-cuda=13.0
    /// cudnn=9.19.0 tf32="on (...)" libtorch=... torchsharp=... build=cuda</c>; values NVML cannot give are "unknown".
    /// </summary>
    public static string Describe(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        string name = "unknown", capability = "unknown", driver = "unknown", driverCuda = "unknown";
        using (var nvml = Nvml.TryOpen(out _))
        {
            if (nvml?.Device(device.index < 0 ? 0 : device.index, Visible) is { } handle)
            {
                name = nvml.Name(handle) ?? name;
                capability = nvml.ComputeCapability(handle) is var (major, minor) ? string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}") : capability;
                driver = nvml.DriverVersion ?? driver;
                driverCuda = nvml.CudaDriverVersion ?? driverCuda;
            }
        }

        var libtorch = LibTorchLoader.Loaded?.Describe() ?? $"libtorch={torch.__version__}";
        return $"device=cuda:{Math.Max(0, device.index)} gpu=\"{name}\" capability={capability} driver={driver} driver-cuda={driverCuda} cudnn={CudnnVersion() ?? "unknown"} " +
            $"tf32=\"{tf32 ?? "unset"}\" {libtorch} torchsharp={typeof(torch).Assembly.GetName().Version} build={ComputeDevice.BuiltFor}";
    }

    /// <summary>cuDNN's own version (cudnnGetVersion of the libcudnn libtorch loaded), e.g. "9.19.0"; null when none is loaded.</summary>
    public static string? CudnnVersion()
    {
        foreach (var soname in new[] { "libcudnn.so.9", "libcudnn.so.8" })
        {
            if (NativeLibrary.TryLoad(soname, out var library) && NativeLibrary.TryGetExport(library, "cudnnGetVersion", out var export))
            {
                var v = (long)Marshal.GetDelegateForFunctionPointer<GetVersion>(export)();
                // cuDNN 9 encodes major*10000 + minor*100 + patch; cuDNN 8 major*1000 + minor*100 + patch.
                var major = v >= 10000 ? v / 10000 : v / 1000;
                var rest = v >= 10000 ? v % 10000 : v % 1000;
                return string.Create(CultureInfo.InvariantCulture, $"{major}.{rest / 100}.{rest % 100}");
            }
        }

        return null;
    }

    private static void SetTf32(GpuOptions options)
    {
        lock (Gate)
        {
            (int Major, int Minor)? capability = null;
            using (var nvml = Nvml.TryOpen(out _))
            {
                if (nvml?.Device(options.DeviceIndex, Visible) is { } handle)
                {
                    capability = nvml.ComputeCapability(handle);
                }
            }

            var on = options.Tf32 && capability is not { Major: < 8 };
            torch.backends.cuda.matmul.allow_tf32 = on;
            torch.backends.cudnn.allow_tf32 = on;
            var why = !options.Tf32 ? $"{GpuOptions.Section}:Tf32=false"
                : capability is var (major, minor) ? string.Create(CultureInfo.InvariantCulture, $"compute capability {major}.{minor}{(major < 8 ? ", before Ampere" : "")}")
                : "compute capability unknown";
            tf32 = $"{(on ? "on" : "off")} ({why})";
        }
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nuint GetVersion();
}
