using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>
/// Which queue an activity contract's activities go to: the one routing table. The workflows schedule with it
/// and the workers register with it (a GPU worker polls the GPU queue with exactly these contracts), so the two
/// can never disagree.
/// </summary>
public static class ActivityRouting
{
    /// <summary>The contracts whose activities run on GPU workers: training, export and evaluation.</summary>
    public static IReadOnlySet<Type> GpuContracts { get; } = new HashSet<Type> { typeof(ITrainActivities), typeof(IExportActivities), typeof(IEvaluateActivities) };

    /// <summary>True when <paramref name="contract"/>'s activities go to the GPU queue.</summary>
    public static bool OnGpu(Type contract) => GpuContracts.Contains(contract);

    /// <summary>The queue of <typeparamref name="TContract"/>'s activities among a run's <paramref name="queues"/>.</summary>
    public static string Queue<TContract>(StageQueues queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        return OnGpu(typeof(TContract)) ? queues.Gpu : queues.Default;
    }
}
