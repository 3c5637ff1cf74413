using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Activities.Hosting;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Extensions.Hosting;
using Temporalio.Workflows;

namespace Orchestrator.Hosting.Workers;

/// <summary>One hosted Temporal worker for a queue, with the activities of its pool.</summary>
public static class WorkerRegistration
{
    /// <summary>Every [Workflow] class of the workflows assembly (the lifecycle, the monitor, ...).</summary>
    public static IReadOnlyList<Type> Workflows { get; } = typeof(ModelLifecycleWorkflow).Assembly.GetExportedTypes()
        .Where(t => t.GetCustomAttribute<WorkflowAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// Adds a hosted worker polling <paramref name="taskQueue"/> with the activities of <paramref name="pool"/>
    /// (each invocation gets its own DI scope) and, with <paramref name="withWorkflows"/>, every workflow.
    /// Identity, concurrency, heartbeat throttling and the graceful shutdown period come from <see cref="TemporalHostingOptions"/>.
    /// </summary>
    public static IServiceCollection AddOrchestratorWorker(this IServiceCollection services, string taskQueue, ActivityPool pool, bool withWorkflows)
    {
        var worker = services.AddHostedTemporalWorker(taskQueue);
        if (withWorkflows)
        {
            foreach (var workflow in Workflows)
            {
                worker.AddWorkflow(workflow);
            }
        }

        worker.ConfigureOptions().Configure<IServiceProvider, IOptions<TemporalHostingOptions>, IOptions<WorkerIdentityOptions>>((options, provider, hosting, identity) =>
        {
            foreach (var activity in ActivityCatalog.For(pool))
            {
                options.AddActivity(provider.CreateTemporalActivityDefinition(activity.Type, activity.Method));
            }

            options.Identity = $"{identity.Value.ToIdentity().Identity}/{pool.ToString().ToLowerInvariant()}";
            options.MaxConcurrentActivities = pool == ActivityPool.Gpu ? hosting.Value.MaxConcurrentGpuActivities : hosting.Value.MaxConcurrentActivities;
            options.GracefulShutdownTimeout = hosting.Value.GracefulShutdownTimeout;
            if (hosting.Value.MaxHeartbeatThrottleInterval is { } throttle)
            {
                // Both: the default applies to activities scheduled without a heartbeat timeout.
                options.MaxHeartbeatThrottleInterval = throttle;
                options.DefaultHeartbeatThrottleInterval = throttle;
            }
        });
        return services;
    }
}
