namespace Orchestrator.Workflows.Policies;

/// <summary>Loads a policy document and pins it for the run.</summary>
public static class PolicyActivity
{
    public const string Name = "LoadPolicy";

    public sealed record Input(string RunId, PolicyRef Policy);
}
