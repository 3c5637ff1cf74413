using System.Reflection;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Train;
using Temporalio.Activities;

namespace Orchestrator.Activities.Hosting;

/// <summary>Which worker pool polls an activity's task queue.</summary>
public enum ActivityPool
{
    /// <summary>The default queue: data stages, gates, bookkeeping, deployment (CPU workers).</summary>
    Cpu,

    /// <summary>The GPU queue: training, export and evaluation (GPU workers).</summary>
    Gpu,
}

/// <summary>One activity method a worker can run.</summary>
/// <param name="Name">The activity type name the workflow schedules.</param>
/// <param name="Type">The activity class (constructed from DI per invocation).</param>
/// <param name="Method">The [Activity] method.</param>
/// <param name="Pool">The worker pool whose queue the workflow sends it to.</param>
public sealed record ActivityRegistration(string Name, Type Type, MethodInfo Method, ActivityPool Pool);

/// <summary>
/// Every activity of this assembly, found by reflection: any public class with [Activity] methods. Stage
/// owners add activity classes without touching the worker hosting; the pool of each activity follows
/// the lifecycle's stage options (train, export and evaluate go to the GPU queue), which a test checks
/// against <see cref="Orchestrator.Workflows.Lifecycle.StageActivityOptions"/>.
/// </summary>
public static class ActivityCatalog
{
    /// <summary>The activity names scheduled on the GPU queue.</summary>
    public static IReadOnlySet<string> GpuActivities { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        TrainActivity.Name,
        TrainActivity.ExportName,
        EvaluateActivity.Name,
    };

    /// <summary>Every activity in the Orchestrator.Activities assembly, ordered by name.</summary>
    public static IReadOnlyList<ActivityRegistration> All { get; } = Discover(typeof(ActivityCatalog).Assembly);

    /// <summary>The activities a worker of <paramref name="pool"/> registers.</summary>
    public static IEnumerable<ActivityRegistration> For(ActivityPool pool) => All.Where(a => a.Pool == pool);

    /// <summary>The activity classes (each registered once in DI).</summary>
    public static IReadOnlyList<Type> Classes => All.Select(a => a.Type).Distinct().ToList();

    /// <summary>Finds the activities of <paramref name="assembly"/>; duplicate names are a start-up error.</summary>
    public static IReadOnlyList<ActivityRegistration> Discover(Assembly assembly)
    {
        var found = new List<ActivityRegistration>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<ActivityAttribute>() is null)
                {
                    continue;
                }

                // The SDK's own naming rules (explicit name, else the method name without "Async").
                var name = ActivityDefinition.Create(method, _ => null).Name
                    ?? throw new InvalidOperationException($"{type.FullName}.{method.Name} is a dynamic activity; the lifecycle schedules activities by name.");
                found.Add(new ActivityRegistration(name, type, method, GpuActivities.Contains(name) ? ActivityPool.Gpu : ActivityPool.Cpu));
            }
        }

        var duplicate = found.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"activity '{duplicate.Key}' is defined twice: {string.Join(", ", duplicate.Select(a => a.Type.FullName))}");
        }

        return found.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }
}
