using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Xml.Linq;

namespace Orchestrator.Architecture.Tests;

/// <summary>The checkout these tests run in: its projects, their restore graphs and their compiled assemblies, read without loading them.</summary>
internal static class Repository
{
    /// <summary>The checkout's root (the folder of Orchestrator.sln above the test binaries).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of these tests; the projects under test were built in the same one.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The project file of <paramref name="project"/> (e.g. "api/Orchestrator.Api").</summary>
    public static string ProjectFile(string project) => Path.Combine(Root, project, Path.GetFileName(project) + ".csproj");

    /// <summary>The projects <paramref name="project"/> references directly, as repository paths ("activities/Orchestrator.Ml").</summary>
    public static IReadOnlyList<string> ProjectReferences(string project)
    {
        var file = ProjectFile(project);
        return [.. XDocument.Load(file).Descendants("ProjectReference")
            .Select(r => Path.GetRelativePath(Root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, r.Attribute("Include")!.Value)))!))
            .Select(p => p.Replace('\\', '/'))];
    }

    /// <summary>The packages <paramref name="project"/> references directly.</summary>
    public static IReadOnlyList<string> PackageReferences(string project) =>
        [.. XDocument.Load(ProjectFile(project)).Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value)];

    /// <summary>Every project <paramref name="project"/> reaches through project references (itself excluded).</summary>
    public static IReadOnlySet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var open = new Stack<string>(ProjectReferences(project));
        while (open.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var reference in ProjectReferences(next))
                {
                    open.Push(reference);
                }
            }
        }

        return seen;
    }

    /// <summary>Every package in <paramref name="project"/>'s restore graph (its project.assets.json), direct and transitive.</summary>
    public static IReadOnlyList<string> RestoredPackages(string project)
    {
        var assets = Path.Combine(Root, project, "obj", "project.assets.json");
        File.Exists(assets).ShouldBeTrue($"{assets} is missing: restore the solution before these tests");
        return PackagesOf(File.ReadAllText(assets));
    }

    /// <summary>The package ids of a project.assets.json document (projects excluded).</summary>
    public static IReadOnlyList<string> PackagesOf(string assetsJson)
    {
        using var json = JsonDocument.Parse(assetsJson);
        return [.. json.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(l => l.Value.GetProperty("type").GetString() == "package")
            .Select(l => l.Name.Split('/')[0])
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The assemblies <paramref name="assembly"/> (built by <paramref name="project"/>) references in its metadata.</summary>
    public static IReadOnlyList<string> AssemblyReferences(string project, string assembly)
    {
        using var reader = Open(project, assembly);
        var metadata = reader.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The namespaces of every type <paramref name="assembly"/> uses from other assemblies.</summary>
    public static IReadOnlySet<string> ReferencedNamespaces(string project, string assembly)
    {
        using var reader = Open(project, assembly);
        var metadata = reader.GetMetadataReader();
        return metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Namespace)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The types <paramref name="assembly"/> uses from other assemblies, as "assembly: namespace.name".</summary>
    public static IReadOnlyList<string> TypeReferences(string project, string assembly)
    {
        using var reader = Open(project, assembly);
        var metadata = reader.GetMetadataReader();
        return [.. metadata.TypeReferences.Select(h => metadata.GetTypeReference(h))
            .Where(t => t.ResolutionScope.Kind == HandleKind.AssemblyReference)
            .Select(t => $"{metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)t.ResolutionScope).Name)}: {metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")
            .Order(StringComparer.Ordinal)];
    }

    private static PEReader Open(string project, string assembly)
    {
        var bin = Path.Combine(Root, project, "bin", Configuration);
        var file = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, assembly + ".dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        file.ShouldNotBeNull($"{assembly}.dll was not built under {bin}: build the solution ({Configuration}) before these tests");
        return new PEReader(File.OpenRead(file));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Orchestrator.sln not found above " + AppContext.BaseDirectory);
    }
}
