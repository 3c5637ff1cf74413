using System.Runtime.InteropServices;

namespace Orchestrator.Ml.Devices;

/// <summary>Thrown when no usable CUDA libtorch could be found or loaded; the message is the one-line refusal.</summary>
public sealed class LibTorchUnavailableException(string message) : InvalidOperationException(message);

/// <summary>
/// Loads the libtorch <see cref="LibTorchLocator"/> found into this process before TorchSharp initialises: its
/// libraries by full path, dependencies first, so that TorchSharp's own load of <c>libLibTorchSharp.so</c> (whose
/// NEEDED entries name libtorch.so, libc10.so, ...) binds to them; then <c>libLibTorchSharp.so</c> itself with every
/// symbol bound at once (RTLD_NOW), so a libtorch whose ABI does not match is refused here in one line instead of
/// crashing the process at its first tensor. Once per process.
/// </summary>
public static class LibTorchLoader
{
    private const int RtldNow = 2;
    private static readonly Lock Gate = new();
    private static LibTorchInstallation? loaded;
    private static string? failure;

    /// <summary>The libtorch this process loaded; null before <see cref="EnsureLoaded"/> succeeded.</summary>
    public static LibTorchInstallation? Loaded => loaded;

    /// <summary>
    /// Locates (with <paramref name="options"/> on the first call) and loads the CUDA libtorch, or throws
    /// <see cref="LibTorchUnavailableException"/> with the reason; later calls answer the first call's outcome.
    /// </summary>
    public static LibTorchInstallation EnsureLoaded(GpuOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (Gate)
        {
            if (loaded is null && failure is null)
            {
                var location = LibTorchLocator.Locate(LibTorchSearch.ForThisHost(options));
                if (location.Installation is null)
                {
                    failure = location.RefusalMessage;
                }
                else
                {
                    failure = Load(location.Installation, AppContext.BaseDirectory);
                    loaded = failure is null ? location.Installation : null;
                }
            }

            return loaded ?? throw new LibTorchUnavailableException(failure!);
        }
    }

    /// <summary>Loads <paramref name="installation"/>; returns null when done, else the one-line reason it could not be.</summary>
    public static string? Load(LibTorchInstallation installation, string appDirectory)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(appDirectory);
        foreach (var library in installation.Libraries)
        {
            var path = Path.Combine(installation.Directory, library);
            if (!NativeLibrary.TryLoad(path, out _))
            {
                // TryLoad keeps the loader's message to itself; Load says which dependency is missing.
                try
                {
                    NativeLibrary.Load(path);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    return $"loading {library} of libtorch {installation.Version} from {installation.Directory} failed: {e.Message}";
                }
            }
        }

        var torchSharp = new[] { Path.Combine(appDirectory, "libLibTorchSharp.so"), Path.Combine(appDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so") }
            .FirstOrDefault(File.Exists);
        if (torchSharp is null)
        {
            return $"libLibTorchSharp.so is not in {appDirectory}: the app was not built or published with TorchSharp";
        }

        return Dl.OpenNow(torchSharp, out var error)
            ? null
            : $"TorchSharp's native library does not bind to libtorch {installation.Version} from {installation.Directory}: {error}";
    }

    /// <summary>dlopen with RTLD_NOW, through libc's own symbols (NativeLibrary always binds lazily).</summary>
    private static class Dl
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr OpenFunction([MarshalAs(UnmanagedType.LPUTF8Str)] string file, int mode);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr ErrorFunction();

        public static bool OpenNow(string path, out string error)
        {
            if (!NativeLibrary.TryLoad("libc.so.6", out var libc)
                || !NativeLibrary.TryGetExport(libc, "dlopen", out var open)
                || !NativeLibrary.TryGetExport(libc, "dlerror", out var last))
            {
                error = "";
                return true; // not glibc: the lazy load by TorchSharp is all there is
            }

            var handle = Marshal.GetDelegateForFunctionPointer<OpenFunction>(open)(path, RtldNow);
            error = handle == IntPtr.Zero ? Marshal.PtrToStringUTF8(Marshal.GetDelegateForFunctionPointer<ErrorFunction>(last)()) ?? "dlopen failed" : "";
            return handle != IntPtr.Zero;
        }
    }
}
