using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Tests.Data;

namespace Orchestrator.Ml.Tests.Devices;

/// <summary>The CUDA libtorch locator against fake installations: directories of empty library files and version files.</summary>
public sealed class LibTorchLocatorTests : IDisposable
{
    private readonly TempDirectory root = new();

    public void Dispose() => root.Dispose();

    // A PyTorch wheel's layout: torch/version.py beside torch/lib/*.so.
    private string PyTorch(string name, string version, string? cuda, bool cudaLibraries = true)
    {
        var lib = Path.Combine(root.Path, name, "torch", "lib");
        foreach (var library in cudaLibraries ? LibTorchInstallation.CudaLibraries : LibTorchInstallation.CpuLibraries)
        {
            root.Write(Path.Combine(name, "torch", "lib", library), [0x7F]);
        }

        root.Write(Path.Combine(name, "torch", "version.py"), System.Text.Encoding.UTF8.GetBytes(
            $"from typing import Optional\n__all__ = ['__version__', 'cuda']\n__version__ = '{version}'\ndebug = False\ncuda: Optional[str] = {(cuda is null ? "None" : $"'{cuda}'")}\nhip: Optional[str] = None\n"));
        return lib;
    }

    private static LibTorchSearch Search(string? configured = null, string? ldLibraryPath = null, string? python = null, params string[] common) =>
        new(configured, ldLibraryPath, () => python, common);

    [Fact]
    public void Locate_ConfiguredDirectory_WinsOverLdLibraryPathAndPython()
    {
        var configured = PyTorch("configured", "2.10.0+cu128", "12.8");
        var fromPath = PyTorch("path", "2.11.0+cu130", "13.0");
        var python = PyTorch("python", "2.11.0+cu130", "13.0");

        var found = LibTorchLocator.Locate(Search(configured, fromPath, python)).Installation.ShouldNotBeNull();

        (found.Directory, found.Origin, found.Version, found.CudaVersion, found.Note).ShouldBe((configured, "configured", "2.10.0+cu128", "12.8", null));
        found.Describe().ShouldBe($"libtorch=2.10.0+cu128 libtorch-cuda=12.8 libtorch-from=\"{configured}\" (configured)");
    }

    [Fact]
    public void Locate_NothingConfigured_TakesLdLibraryPathThenPythonThenCommonPaths()
    {
        var fromPath = PyTorch("path", "2.10.1+cu128", "12.8");
        var python = PyTorch("python", "2.10.0+cu128", "12.8");
        var common = PyTorch("common", "2.10.0+cu128", "12.8");

        LibTorchLocator.Locate(Search(null, $"/usr/local/cuda/lib64:{fromPath}", python, common)).Installation!.Origin.ShouldBe("LD_LIBRARY_PATH");
        LibTorchLocator.Locate(Search(null, "/usr/local/cuda/lib64", python, common)).Installation!.Origin.ShouldBe("python3");
        LibTorchLocator.Locate(Search(null, null, null, common)).Installation!.Origin.ShouldBe("common path");
    }

    [Fact]
    public void Locate_UnusableCandidatesFirst_SaysWhyEachWasPassedOver()
    {
        var old = PyTorch("old", "2.9.1+cu126", "12.6");
        var cpuOnly = PyTorch("cpu", "2.10.0+cpu", null, cudaLibraries: false);
        var good = PyTorch("good", "2.11.0+cu130", "13.0");

        var location = LibTorchLocator.Locate(Search(old, cpuOnly, good));

        location.Installation!.Directory.ShouldBe(good);
        location.Installation.Note.ShouldBe("libtorch 2.11 is newer than the 2.10 TorchSharp was built for; accepted when every TorchSharp symbol resolves");
        location.Rejected.Count.ShouldBe(2);
        location.Rejected[0].ShouldBe($"{old} (configured): libtorch 2.9.1+cu126 does not match 2.10 (TorchSharp 0.107 needs 2.x from 2.10 on)");
        location.Rejected[1].ShouldBe($"{cpuOnly} (LD_LIBRARY_PATH): libc10_cuda.so, libtorch_cuda.so missing (a CPU-only libtorch)");
    }

    [Fact]
    public void Locate_NothingUsable_RefusesInOneLineNamingEveryCandidateAndTheSetting()
    {
        var other = PyTorch("three", "3.0.0+cu140", "14.0");
        var noVersion = PyTorch("bare", "2.10.0", "12.8");
        File.Delete(Path.Combine(root.Path, "bare", "torch", "version.py"));

        var location = LibTorchLocator.Locate(Search(other, noVersion, null, Path.Combine(root.Path, "missing")));

        location.Installation.ShouldBeNull();
        var refusal = location.RefusalMessage;
        refusal.ShouldNotContain("\n");
        refusal.ShouldStartWith("no usable CUDA libtorch for TorchSharp (built for libtorch 2.10): ");
        refusal.ShouldContain($"{other} (configured): libtorch 3.0.0+cu140 does not match 2.10");
        refusal.ShouldContain($"{noVersion} (LD_LIBRARY_PATH): no version.py or build-version beside it");
        refusal.ShouldContain("python3: no torch module");
        refusal.ShouldEndWith("set Orchestrator:Gpu:LibTorchPath (Orchestrator__Gpu__LibTorchPath) to the torch/lib directory of a CUDA PyTorch 2.10 or later (docs/gpu.md)");
    }

    [Fact]
    public void Locate_ConfiguredDirectoryMissingOrEmpty_IsRejectedNotSkipped()
    {
        var empty = Path.Combine(root.Path, "empty");
        Directory.CreateDirectory(empty);

        LibTorchLocator.Locate(Search(Path.Combine(root.Path, "nowhere"))).Rejected[0].ShouldEndWith("(configured): no such directory");
        LibTorchLocator.Locate(Search(empty)).Rejected[0].ShouldBe($"{empty} (configured): no libtorch.so");
    }

    [Fact]
    public void Locate_SameDirectoryFromTwoPlaces_InspectedOnce()
    {
        var old = PyTorch("old", "2.8.0+cu126", "12.6");

        LibTorchLocator.Locate(Search(old, old, old + "/", old)).Rejected.Count(r => r.Contains("2.8.0", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public void Locate_CpuLibtorchWhenCudaNotRequired_IsUsable() =>
        LibTorchLocator.Locate(Search(PyTorch("cpu", "2.10.0+cpu", null, cudaLibraries: false)), requireCuda: false).Installation!.CudaVersion.ShouldBeNull();

    [Theory]
    [InlineData("2.10.0+cu128", "12.8")]
    [InlineData("2.11.0+cu130", "13.0")]
    [InlineData("2.10.0+cpu", null)]
    public void ReadVersion_LibtorchArchive_TakesTheBuildVersionFile(string buildVersion, string? cuda)
    {
        root.Write("libtorch/lib/libtorch.so", [0x7F]);
        root.Write("libtorch/build-version", System.Text.Encoding.UTF8.GetBytes(buildVersion + "\n"));

        LibTorchInstallation.ReadVersion(Path.Combine(root.Path, "libtorch", "lib")).ShouldBe((buildVersion, cuda));
    }

    [Fact]
    public void CommonPaths_CondaPipAndArchiveLayouts_ListedUnderTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(root.Path, "opt/conda/lib/python3.12"));
        Directory.CreateDirectory(Path.Combine(root.Path, "usr/local/lib/python3.11"));

        var paths = LibTorchSearch.CommonPaths(root.Path, null);

        paths.ShouldContain(Path.Combine(root.Path, "opt/conda/lib/python3.12", "site-packages", "torch", "lib"));
        paths.ShouldContain(Path.Combine(root.Path, "usr/local/lib/python3.11", "dist-packages", "torch", "lib"));
        paths.ShouldContain(Path.Combine(root.Path, "usr/local/libtorch/lib"));
    }

    [Fact]
    public void Load_LibrariesThatAreNotLibraries_RefusesNamingTheFirst()
    {
        var lib = PyTorch("fake", "2.10.0+cu128", "12.8");
        var installation = LibTorchLocator.Locate(Search(lib)).Installation.ShouldNotBeNull();

        var refusal = LibTorchLoader.Load(installation, root.Path);

        refusal.ShouldNotBeNull();
        refusal.ShouldStartWith($"loading libc10.so of libtorch 2.10.0+cu128 from {lib} failed: ");
    }
}
