using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Workflows.Tests.Policies;

/// <summary>The shipped policy documents (copied beside the tests) and edits of them, as a policy author would make them.</summary>
internal static class PolicyDocuments
{
    public static byte[] Shipped(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Policies", "Catalog", $"{name}.v1.json"));

    /// <summary>The shipped default with <paramref name="edit"/> applied to its JSON.</summary>
    public static byte[] Default(Action<JsonObject> edit)
    {
        var document = JsonNode.Parse(Shipped("default"))!.AsObject();
        edit(document);
        return Encoding.UTF8.GetBytes(document.ToJsonString());
    }

    public static JsonObject Section(this JsonObject document, string section) => document[section]!.AsObject();

    /// <summary>The repository's root (the folder of Orchestrator.sln above the test binaries).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException($"Orchestrator.sln not found above {AppContext.BaseDirectory}");
    }
}
