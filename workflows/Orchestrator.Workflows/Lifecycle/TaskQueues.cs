namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// The task queues workers poll. Training, export and evaluation go to the GPU queue; everything else to
/// the default queue. A CPU-only all-in-one worker polls both.
/// </summary>
public static class TaskQueues
{
    public const string Default = "orchestrator";
    public const string Gpu = "orchestrator-gpu";
}

/// <summary>
/// The queues one run's activities go to: the standard ones unless a deployment routes a run to
/// dedicated worker pools (a team's own GPU nodes, say). Tests use their own to stay isolated.
/// </summary>
/// <param name="Default">Queue of the CPU stages and the bookkeeping.</param>
/// <param name="Gpu">Queue of training, export and evaluation.</param>
public sealed record StageQueues(string Default, string Gpu)
{
    public static StageQueues Standard { get; } = new(TaskQueues.Default, TaskQueues.Gpu);
}
