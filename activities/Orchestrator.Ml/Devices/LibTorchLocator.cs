using System.Diagnostics;

namespace Orchestrator.Ml.Devices;

/// <summary>Where to look for a libtorch, in order (see <see cref="LibTorchLocator"/>).</summary>
/// <param name="Configured">The configured directory (<see cref="GpuOptions.LibTorchPath"/>); null when unset.</param>
/// <param name="LdLibraryPath">The process's LD_LIBRARY_PATH.</param>
/// <param name="PythonTorch">The torch/lib directory of the host's python3 PyTorch, asked only when needed; null when none.</param>
/// <param name="CommonDirectories">Directories where PyTorch installations and libtorch archives usually live.</param>
public sealed record LibTorchSearch(string? Configured, string? LdLibraryPath, Func<string?> PythonTorch, IReadOnlyList<string> CommonDirectories)
{
    /// <summary>This host and process: the option, the environment, python3, and the usual places under <paramref name="root"/>.</summary>
    public static LibTorchSearch ForThisHost(GpuOptions options, string root = "/")
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.LibTorchPath, Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"), PythonTorchLib,
            CommonPaths(root, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));
    }

    /// <summary>Conda, pip (system, /usr/local, user, virtual environments in /opt) and libtorch archive locations under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> CommonPaths(string root, string? home)
    {
        ArgumentNullException.ThrowIfNull(root);
        var found = new List<string>();
        var libRoots = new List<string> { "opt/conda/lib", "usr/local/lib", "usr/lib", "opt/venv/lib" }.Select(r => Path.Combine(root, r)).ToList();
        if (!string.IsNullOrEmpty(home))
        {
            libRoots.Add(Path.Combine(home, ".local/lib"));
        }

        foreach (var libRoot in libRoots.Where(Directory.Exists))
        {
            foreach (var python in Directory.GetDirectories(libRoot, "python3*").Order(StringComparer.Ordinal))
            {
                found.Add(Path.Combine(python, "site-packages", "torch", "lib"));
                found.Add(Path.Combine(python, "dist-packages", "torch", "lib"));
            }
        }

        found.Add(Path.Combine(root, "usr/lib/python3/dist-packages/torch/lib"));
        found.Add(Path.Combine(root, "usr/local/libtorch/lib"));
        found.Add(Path.Combine(root, "opt/libtorch/lib"));
        return found;
    }

    // importlib finds the package without importing it (importing torch takes seconds and may touch the GPU).
    private static string? PythonTorchLib()
    {
        const string script = "import importlib.util as u, os; s = u.find_spec('torch'); print(os.path.join(s.submodule_search_locations[0], 'lib') if s else '')";
        try
        {
            using var python = Process.Start(new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (python is null)
            {
                return null;
            }

            var output = python.StandardOutput.ReadToEndAsync();
            if (!python.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                python.Kill();
                return null;
            }

            return python.ExitCode == 0 && output.Result.Trim() is { Length: > 0 } lib ? lib : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no python3 on this host
        }
    }
}

/// <summary>The outcome of a search: the installation to load, and why every other candidate was passed over.</summary>
public sealed record LibTorchLocation(LibTorchInstallation? Installation, IReadOnlyList<string> Rejected)
{
    /// <summary>The one line a GPU worker refuses with when nothing usable was found.</summary>
    public string RefusalMessage =>
        $"no usable CUDA libtorch for TorchSharp (built for libtorch {LibTorchLocator.BuiltFor}): " +
        (Rejected.Count == 0 ? "nothing found" : string.Join("; ", Rejected)) +
        $"; set {GpuOptions.Section}:LibTorchPath (Orchestrator__Gpu__LibTorchPath) to the torch/lib directory of a CUDA PyTorch {LibTorchLocator.BuiltFor} or later (docs/gpu.md)";
}

/// <summary>
/// Finds the CUDA libtorch a GPU worker loads: the CUDA build of the app ships none (the CUDA libtorch packages
/// are multi-GB and not served), and every GPU host with PyTorch already has one. Candidates in order: the
/// configured directory, each LD_LIBRARY_PATH entry, the host's python3 PyTorch, then the usual installation
/// places. A candidate is usable when it holds the CUDA libraries and its version (from torch/version.py or a
/// libtorch archive's build-version) is at least the 2.10 TorchSharp 0.107 was built against, in the same major
/// version; a newer minor version is accepted with a note, and <see cref="LibTorchLoader"/> then checks that every
/// symbol TorchSharp needs resolves against it (docs/adr/0003-accelerator-switch.md).
/// </summary>
public static class LibTorchLocator
{
    /// <summary>The libtorch TorchSharp 0.107's native library was built against.</summary>
    public static Version BuiltFor { get; } = new(2, 10);

    /// <summary>The first usable installation, and the reasons the ones before it were not.</summary>
    public static LibTorchLocation Locate(LibTorchSearch search, bool requireCuda = true)
    {
        ArgumentNullException.ThrowIfNull(search);
        var rejected = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (directory, origin) in Candidates(search, rejected))
        {
            if (!seen.Add(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))))
            {
                continue;
            }

            var installation = Inspect(directory, origin, requireCuda, out var rejection);
            if (installation is not null)
            {
                return new LibTorchLocation(installation, rejected);
            }

            rejected.Add(rejection);
        }

        return new LibTorchLocation(null, rejected);
    }

    /// <summary>Whether <paramref name="directory"/> holds a usable libtorch; when not, <paramref name="rejection"/> says why.</summary>
    public static LibTorchInstallation? Inspect(string directory, string origin, bool requireCuda, out string rejection)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var where = $"{directory} ({origin})";
        if (!Directory.Exists(directory))
        {
            rejection = $"{where}: no such directory";
            return null;
        }

        var required = requireCuda ? LibTorchInstallation.CudaLibraries : LibTorchInstallation.CpuLibraries;
        var missing = required.Where(l => !File.Exists(Path.Combine(directory, l))).ToList();
        if (missing.Count == required.Count || missing.Contains("libtorch.so"))
        {
            rejection = $"{where}: no libtorch.so";
            return null;
        }

        if (missing.Count > 0)
        {
            rejection = $"{where}: {string.Join(", ", missing)} missing{(requireCuda && missing.Contains("libtorch_cuda.so") ? " (a CPU-only libtorch)" : "")}";
            return null;
        }

        if (LibTorchInstallation.ReadVersion(directory) is not var (version, cuda))
        {
            rejection = $"{where}: no version.py or build-version beside it, so its version cannot be checked";
            return null;
        }

        if (requireCuda && cuda is null)
        {
            rejection = $"{where}: libtorch {version} is a CPU-only build";
            return null;
        }

        var majorMinor = LibTorchInstallation.MajorMinor(version);
        if (majorMinor is null || majorMinor.Major != BuiltFor.Major || majorMinor < BuiltFor)
        {
            rejection = $"{where}: libtorch {version} does not match {BuiltFor} (TorchSharp 0.107 needs {BuiltFor.Major}.x from {BuiltFor} on)";
            return null;
        }

        rejection = "";
        var note = majorMinor > BuiltFor ? $"libtorch {majorMinor} is newer than the {BuiltFor} TorchSharp was built for; accepted when every TorchSharp symbol resolves" : null;
        return new LibTorchInstallation(Path.GetFullPath(directory), origin, version, cuda, note);
    }

    private static IEnumerable<(string Directory, string Origin)> Candidates(LibTorchSearch search, List<string> rejected)
    {
        if (!string.IsNullOrWhiteSpace(search.Configured))
        {
            yield return (search.Configured.Trim(), "configured");
        }

        foreach (var entry in (search.LdLibraryPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Only entries that look like a libtorch: a CUDA toolkit or driver directory is not a rejected candidate.
            if (File.Exists(Path.Combine(entry, "libtorch.so")))
            {
                yield return (entry, "LD_LIBRARY_PATH");
            }
        }

        var python = search.PythonTorch();
        if (python is null)
        {
            rejected.Add("python3: no torch module");
        }
        else
        {
            yield return (python, "python3");
        }

        foreach (var common in search.CommonDirectories.Where(Directory.Exists))
        {
            yield return (common, "common path");
        }
    }
}
