namespace Orchestrator.Workflows.Tests.Replay;

/// <summary>
/// The recorded lifecycle histories: JSON files under Histories/ (copied next to the tests), named
/// "{scenario}.json". Each one is a full Temporal history of a run of the shipped workflow code; the
/// workflow id of every recording is "run-replay-{scenario}".
/// </summary>
public static class RecordedHistories
{
    /// <summary>The folder the tests read the recordings from.</summary>
    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "Histories");

    /// <summary>The scenario names of the recordings shipped with the tests.</summary>
    public static IReadOnlyList<string> Scenarios =>
        Directory.Exists(OutputDirectory)
            ? Directory.EnumerateFiles(OutputDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The subfolder of the monitor workflow's recordings.</summary>
    public const string MonitorFolder = "monitor";

    /// <summary>The scenario names of the monitor recordings shipped with the tests.</summary>
    public static IReadOnlyList<string> MonitorScenarios =>
        Directory.Exists(Path.Combine(OutputDirectory, MonitorFolder))
            ? Directory.EnumerateFiles(Path.Combine(OutputDirectory, MonitorFolder), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The workflow id a scenario was recorded under.</summary>
    public static string WorkflowId(string scenario) => "run-replay-" + scenario;

    /// <summary>The Histories/ folder in the source tree, where a recording session writes (found from the test binaries upwards).</summary>
    public static string SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Orchestrator.Workflows.Tests", "Histories");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Orchestrator.Workflows.Tests/Histories not found above " + AppContext.BaseDirectory);
    }
}
