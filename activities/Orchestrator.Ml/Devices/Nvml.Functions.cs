using System.Runtime.InteropServices;

namespace Orchestrator.Ml.Devices;

public sealed partial class Nvml
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Utilization
    {
        public uint Gpu;
        public uint Memory;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryInfo
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    // The NVML entry points the worker reads (nvml.h); every one returns an nvmlReturn_t, 0 on success.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int NoArguments();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ReadText(byte[] buffer, uint length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int ReadInt(out int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int HandleFromIndex(uint index, out IntPtr device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int HandleFromUuid([MarshalAs(UnmanagedType.LPUTF8Str)] string uuid, out IntPtr device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceText(IntPtr device, byte[] buffer, uint length);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceCapability(IntPtr device, out int major, out int minor);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceUtilization(IntPtr device, out Utilization utilization);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceMemory(IntPtr device, out MemoryInfo memory);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DeviceTemperature(IntPtr device, int sensor, out uint celsius);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr ErrorText(int status);

    /// <summary>The entry points, bound once; a missing one throws EntryPointNotFoundException naming it.</summary>
    private sealed class Functions(IntPtr library)
    {
        public NoArguments Init { get; } = Bind<NoArguments>(library, "nvmlInit_v2");
        public NoArguments Shutdown { get; } = Bind<NoArguments>(library, "nvmlShutdown");
        public ReadText DriverVersion { get; } = Bind<ReadText>(library, "nvmlSystemGetDriverVersion");
        public ReadInt CudaDriverVersion { get; } = Bind<ReadInt>(library, "nvmlSystemGetCudaDriverVersion");
        public HandleFromIndex HandleByIndex { get; } = Bind<HandleFromIndex>(library, "nvmlDeviceGetHandleByIndex_v2");
        public HandleFromUuid HandleByUuid { get; } = Bind<HandleFromUuid>(library, "nvmlDeviceGetHandleByUUID");
        public DeviceText Name { get; } = Bind<DeviceText>(library, "nvmlDeviceGetName");
        public DeviceCapability ComputeCapability { get; } = Bind<DeviceCapability>(library, "nvmlDeviceGetCudaComputeCapability");
        public DeviceUtilization Utilization { get; } = Bind<DeviceUtilization>(library, "nvmlDeviceGetUtilizationRates");
        public DeviceMemory Memory { get; } = Bind<DeviceMemory>(library, "nvmlDeviceGetMemoryInfo");
        public DeviceTemperature Temperature { get; } = Bind<DeviceTemperature>(library, "nvmlDeviceGetTemperature");
        private ErrorText Error { get; } = Bind<ErrorText>(library, "nvmlErrorString");

        public string Describe(int status) => Marshal.PtrToStringUTF8(Error(status)) ?? $"status {status}";

        private static T Bind<T>(IntPtr library, string name) where T : Delegate =>
            NativeLibrary.TryGetExport(library, name, out var address)
                ? Marshal.GetDelegateForFunctionPointer<T>(address)
                : throw new EntryPointNotFoundException(name);
    }
}
