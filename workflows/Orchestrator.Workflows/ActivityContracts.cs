using System.Reflection;
using Temporalio.Activities;

namespace Orchestrator.Workflows;

/// <summary>
/// The activity contracts: the interfaces of this assembly whose methods carry <see cref="ActivityAttribute"/>
/// with the explicit activity type names the workflows schedule (docs/adr/0027-typed-activity-contracts.md).
/// Implementations carry no attribute of their own; workers register them through their contract's methods.
/// </summary>
public static class ActivityContracts
{
    /// <summary>Every contract interface, by full name.</summary>
    public static IReadOnlyList<Type> All { get; } = typeof(ActivityContracts).Assembly.GetExportedTypes()
        .Where(t => t.IsInterface && Methods(t).Any())
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>The [Activity] methods of <paramref name="contract"/>.</summary>
    public static IEnumerable<MethodInfo> Methods(Type contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.GetMethods().Where(m => m.GetCustomAttribute<ActivityAttribute>() is not null);
    }

    /// <summary>The contracts <paramref name="implementation"/> implements.</summary>
    public static IEnumerable<Type> Of(Type implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return All.Where(c => c.IsAssignableFrom(implementation));
    }

    /// <summary>Activity definitions that run every contract method <paramref name="implementation"/> implements on that instance (tests' stand-ins).</summary>
    public static IReadOnlyList<ActivityDefinition> Definitions(object implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        return [.. Of(implementation.GetType()).SelectMany(Methods).Select(method => ActivityDefinition.Create(method,
            args => method.Invoke(implementation, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null)))];
    }
}
