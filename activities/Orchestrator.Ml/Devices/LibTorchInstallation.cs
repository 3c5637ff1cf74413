using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// A libtorch found on this host: the directory of its shared libraries, where the locator found it, the
/// libtorch version, and the CUDA version it was built for (null for a CPU-only build).
/// </summary>
/// <param name="Directory">The directory holding libtorch.so, libc10.so, ...</param>
/// <param name="Origin">How it was found: "configured", "LD_LIBRARY_PATH", "python3" or "common path".</param>
/// <param name="Version">The libtorch (PyTorch) version, e.g. "2.11.0+cu130".</param>
/// <param name="CudaVersion">The CUDA toolkit it was built with, e.g. "13.0"; null when CPU-only.</param>
/// <param name="Note">Anything the evidence should say about the match, e.g. a newer minor version than TorchSharp's.</param>
public sealed partial record LibTorchInstallation(string Directory, string Origin, string Version, string? CudaVersion, string? Note)
{
    /// <summary>The shared libraries of a CUDA libtorch, in the order they must be loaded (dependencies first).</summary>
    public static IReadOnlyList<string> CudaLibraries { get; } = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    /// <summary>The shared libraries of a CPU-only libtorch, in load order.</summary>
    public static IReadOnlyList<string> CpuLibraries { get; } = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>The libraries to load for this installation.</summary>
    public IReadOnlyList<string> Libraries => CudaVersion is null ? CpuLibraries : CudaLibraries;

    /// <summary>For the training evidence, e.g. <c>libtorch=2.11.0+cu130 libtorch-cuda=13.0 libtorch-from="/x/torch/lib" (python3)</c>.</summary>
    public string Describe() =>
        $"libtorch={Version} libtorch-cuda={CudaVersion ?? "none"} libtorch-from=\"{Directory}\" ({Origin}){(Note is null ? "" : $" note=\"{Note}\"")}";

    /// <summary>
    /// The version of the libtorch in <paramref name="libDirectory"/>, from the files beside it: a PyTorch
    /// installation's <c>torch/version.py</c> (<c>__version__</c>, <c>cuda</c>), or a libtorch archive's
    /// <c>build-version</c> ("2.10.0+cu128"). Null when neither exists.
    /// </summary>
    public static (string Version, string? Cuda)? ReadVersion(string libDirectory)
    {
        ArgumentNullException.ThrowIfNull(libDirectory);
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(libDirectory)));
        if (parent is null)
        {
            return null;
        }

        var versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
        {
            var text = File.ReadAllText(versionPy);
            var version = VersionLine().Match(text);
            if (!version.Success)
            {
                return null;
            }

            var cuda = CudaLine().Match(text);
            return (version.Groups[1].Value, cuda.Success ? cuda.Groups[1].Value : null);
        }

        var buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion) && File.ReadAllText(buildVersion).Trim() is { Length: > 0 } line)
        {
            // A libtorch archive names its CUDA build in the local version: +cu128 is CUDA 12.8, +cpu none.
            var local = CudaSuffix().Match(line);
            var cuda = local.Success ? $"{local.Groups[1].Value[..^1]}.{local.Groups[1].Value[^1..]}" : null;
            return (line, cuda);
        }

        return null;
    }

    /// <summary>major.minor of a version string such as "2.11.0+cu130"; null when it does not start with two numbers.</summary>
    public static Version? MajorMinor(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var match = LeadingVersion().Match(version);
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    [GeneratedRegex(@"^__version__\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"^cuda(?:\s*:[^=]*)?\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex CudaLine();

    [GeneratedRegex(@"\+cu(\d{2,})")]
    private static partial Regex CudaSuffix();

    [GeneratedRegex(@"^(\d+)\.(\d+)")]
    private static partial Regex LeadingVersion();
}
