using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Orchestrator.Ml.Devices;

/// <summary>One reading of a GPU: utilisation (0-1 over the driver's last sample period), memory and temperature.</summary>
public sealed record GpuSample(double Utilization, long MemoryUsedBytes, long MemoryTotalBytes, int TemperatureCelsius);

/// <summary>
/// The NVIDIA Management Library, read through <c>libnvidia-ml.so.1</c> (installed with the driver on every
/// GPU host): device name, compute capability, driver and CUDA driver versions, utilisation, memory and
/// temperature. Opened with <see cref="TryOpen"/>, which answers null with the reason where there is no NVML
/// (no driver, a CPU host): callers then have no GPU telemetry, and nothing else changes.
/// </summary>
public sealed partial class Nvml : IDisposable
{
    /// <summary>The library the NVIDIA driver installs.</summary>
    public const string LibraryName = "libnvidia-ml.so.1";

    private readonly IntPtr library;
    private readonly Functions api;
    private bool disposed;

    private Nvml(IntPtr library, Functions api)
    {
        this.library = library;
        this.api = api;
    }

    /// <summary>Opens NVML, or answers null and why not (library absent, a symbol missing, nvmlInit failing).</summary>
    public static Nvml? TryOpen(out string reason, string libraryName = LibraryName)
    {
        ArgumentNullException.ThrowIfNull(libraryName);
        if (!NativeLibrary.TryLoad(libraryName, out var handle))
        {
            reason = $"no GPU telemetry: {libraryName} is not installed (no NVIDIA driver on this host)";
            return null;
        }

        Functions api;
        try
        {
            api = new Functions(handle);
        }
        catch (EntryPointNotFoundException e)
        {
            NativeLibrary.Free(handle);
            reason = $"no GPU telemetry: {libraryName} lacks {e.Message}";
            return null;
        }

        var status = api.Init();
        if (status != 0)
        {
            reason = $"no GPU telemetry: nvmlInit failed ({api.Describe(status)})";
            NativeLibrary.Free(handle);
            return null;
        }

        reason = "";
        return new Nvml(handle, api);
    }

    /// <summary>The driver version, e.g. "570.86.15".</summary>
    public string? DriverVersion => ReadString((b, n) => api.DriverVersion(b, n));

    /// <summary>The CUDA version the driver supports, e.g. "13.0".</summary>
    public string? CudaDriverVersion =>
        api.CudaDriverVersion(out var v) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{v / 1000}.{v % 1000 / 10}") : null;

    /// <summary>
    /// The NVML handle of CUDA's device <paramref name="cudaIndex"/>. CUDA numbers only the devices in
    /// CUDA_VISIBLE_DEVICES, NVML all of them: an index list is mapped through it (which assumes
    /// CUDA_DEVICE_ORDER=PCI_BUS_ID, NVML's order, as docs/gpu.md asks), a UUID list by UUID.
    /// </summary>
    public IntPtr? Device(int cudaIndex, string? cudaVisibleDevices)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var visible = (cudaVisibleDevices ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IntPtr device;
        if (visible.Length == 0)
        {
            return api.HandleByIndex((uint)cudaIndex, out device) == 0 ? device : null;
        }

        if (cudaIndex >= visible.Length)
        {
            return null;
        }

        var entry = visible[cudaIndex];
        if (uint.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var physical))
        {
            return api.HandleByIndex(physical, out device) == 0 ? device : null;
        }

        return api.HandleByUuid(entry, out device) == 0 ? device : null;
    }

    /// <summary>The marketing name, e.g. "NVIDIA H200".</summary>
    public string? Name(IntPtr device) => ReadString((b, n) => api.Name(device, b, n));

    /// <summary>The compute capability, e.g. (9, 0); null when NVML cannot say.</summary>
    public (int Major, int Minor)? ComputeCapability(IntPtr device) =>
        api.ComputeCapability(device, out var major, out var minor) == 0 ? (major, minor) : null;

    /// <summary>A reading now; null when NVML refuses (device lost).</summary>
    public GpuSample? Sample(IntPtr device)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (api.Utilization(device, out var utilization) != 0 || api.Memory(device, out var memory) != 0)
        {
            return null;
        }

        var temperature = api.Temperature(device, 0, out var celsius) == 0 ? (int)celsius : -1;
        return new GpuSample(utilization.Gpu / 100.0, (long)memory.Used, (long)memory.Total, temperature);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        api.Shutdown();
        NativeLibrary.Free(library);
    }

    private string? ReadString(Func<byte[], uint, int> read)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var buffer = new byte[256];
        if (read(buffer, (uint)buffer.Length) != 0)
        {
            return null;
        }

        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
