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
