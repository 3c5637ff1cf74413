using Orchestrator.Ml.Data;

namespace Orchestrator.Activities.Hosting;

/// <summary>
/// The local directories a worker may read datasets and label files from (section "Orchestrator:Data"). Empty in
/// Production unless set: a run's location is then a <c>blob://</c> prefix in the worker's own storage account, or
/// it fails naming the setting. Outside Production the host adds <see cref="DevelopmentRoots"/> when none are set.
/// </summary>
public sealed class LocalDataOptions
{
    public const string Section = "Orchestrator:Data";

    /// <summary>Absolute directories; a location must canonicalise to one of them or below.</summary>
    public List<string> LocalRoots { get; set; } = [];

    /// <summary>The roots as the activities check them.</summary>
    public LocalDataRoots ToRoots() => new(LocalRoots);

    /// <summary>
    /// The roots of development and tests when none are configured: the system temporary directory (where tests put
    /// their folders and label files) and the checkout's git-ignored <c>.local/data</c>.
    /// </summary>
    public static IReadOnlyList<string> DevelopmentRoots()
    {
        var roots = new List<string> { Path.GetTempPath() };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                roots.Add(Path.Combine(dir.FullName, ".local", "data"));
                break;
            }
        }

        return roots;
    }
}
