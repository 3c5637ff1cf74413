using System.Reflection;
using Orchestrator.Workflows;
using Orchestrator.Workflows.Lifecycle;
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

/// <summary>One activity a worker can run.</summary>
/// <param name="Name">The activity type name the workflow schedules (the contract method's [Activity] name).</param>
/// <param name="Type">The implementing class (constructed from DI per invocation).</param>
/// <param name="Method">The contract method (an interface method of <see cref="ActivityContracts"/>), invoked on the class.</param>
/// <param name="Pool">The worker pool whose queue the workflow sends it to.</param>
public sealed record ActivityRegistration(string Name, Type Type, MethodInfo Method, ActivityPool Pool);

/// <summary>
/// Every activity implementation of this assembly, found by reflection: any public class implementing an activity
/// contract of <see cref="ActivityContracts"/>. Stage owners add implementations without touching the worker
/// hosting; the pool of each activity is its contract's route in <see cref="ActivityRouting"/>, the table the
/// workflows schedule with.
/// </summary>
public static class ActivityCatalog
{
    /// <summary>Every activity in the Orchestrator.Activities assembly, ordered by name.</summary>
    public static IReadOnlyList<ActivityRegistration> All { get; } = Discover(typeof(ActivityCatalog).Assembly);

    /// <summary>The activities a worker of <paramref name="pool"/> registers.</summary>
    public static IEnumerable<ActivityRegistration> For(ActivityPool pool) => All.Where(a => a.Pool == pool);

    /// <summary>The activity classes (each registered once in DI).</summary>
    public static IReadOnlyList<Type> Classes => All.Select(a => a.Type).Distinct().ToList();

    /// <summary>
    /// Finds the implementations of <paramref name="assembly"/>; an activity implemented twice, or an [Activity]
    /// attribute on an implementation (its name belongs to the contract), is a start-up error.
    /// </summary>
    public static IReadOnlyList<ActivityRegistration> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var found = new List<ActivityRegistration>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            var attributed = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).FirstOrDefault(m => m.GetCustomAttribute<ActivityAttribute>() is not null);
            if (attributed is not null)
            {
                throw new InvalidOperationException($"{type.FullName}.{attributed.Name} carries [Activity]: activity names belong to the contract interfaces of Orchestrator.Workflows.");
            }

            foreach (var contract in ActivityContracts.Of(type))
            {
                var pool = ActivityRouting.OnGpu(contract) ? ActivityPool.Gpu : ActivityPool.Cpu;
                found.AddRange(ActivityContracts.Methods(contract).Select(method => new ActivityRegistration(Name(method), type, method, pool)));
            }
        }

        var duplicate = found.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"activity '{duplicate.Key}' is implemented twice: {string.Join(", ", duplicate.Select(a => a.Type.FullName))}");
        }

        return found.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }

    // The SDK's own naming rules (the contract's explicit name).
    private static string Name(MethodInfo method) => ActivityDefinition.Create(method, _ => null).Name
        ?? throw new InvalidOperationException($"{method.DeclaringType?.FullName}.{method.Name} is a dynamic activity; the workflows schedule activities by name.");
}
