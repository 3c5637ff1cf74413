using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Matching;
using Orchestrator.TemporalServer.Namespaces;
using Orchestrator.TemporalServer.Time;
using Orchestrator.TemporalServer.Workflows;

namespace Orchestrator.TemporalServer;

/// <summary>
/// The in-memory state of the server and every state transition. One gate serialises all changes: the
/// server is for development and tests, where simplicity and exact Temporal semantics matter more than
/// parallelism, and a single lock keeps every transition atomic (history, tasks and timers together).
/// Feature files (Workflows/, Activities/) add the transitions as partial parts of this class.
/// </summary>
internal sealed partial class Engine
{
    private readonly Dictionary<string, NamespaceEntry> namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ns, string RunId), WorkflowRun> runs = [];
    private readonly Dictionary<(string Ns, string WorkflowId), WorkflowRun> latestRuns = [];
    private readonly Dictionary<(string Ns, string Queue, bool Activity), TaskQueue> queues = [];
    private TaskCompletionSource clockWake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger logger;

    public Engine(ServerClock clock, Hosting.ServerOptions options, ILogger<Engine> logger)
    {
        Clock = clock.Clock;
        Options = options;
        this.logger = logger;
        Clock.Changed += WakeClock;
        RegisterNamespace("default", TimeSpan.FromDays(1));
        foreach (var name in options.Namespaces)
        {
            RegisterNamespace(name, TimeSpan.FromDays(1));
        }
    }

    public object Gate { get; } = new();

    public VirtualClock Clock { get; }

    public Hosting.ServerOptions Options { get; }

    public DateTime Now => Clock.Now;

    public Timestamp NowTimestamp => Timestamp.FromDateTime(Clock.Now);

    public NamespaceEntry RegisterNamespace(string name, TimeSpan retention, string description = "")
    {
        lock (Gate)
        {
            if (namespaces.ContainsKey(name))
            {
                throw RpcErrors.WithDetail(StatusCode.AlreadyExists, $"namespace {name} already exists",
                    new Temporalio.Api.ErrorDetails.V1.NamespaceAlreadyExistsFailure());
            }

            var ns = new NamespaceEntry(name, retention, description);
            foreach (var (attribute, type) in Options.SearchAttributes)
            {
                ns.SearchAttributes[attribute] = type;
            }

            namespaces[name] = ns;
            return ns;
        }
    }

    public NamespaceEntry Namespace(string name) =>
        namespaces.TryGetValue(string.IsNullOrEmpty(name) ? "default" : name, out var ns)
            ? ns
            : throw RpcErrors.WithDetail(StatusCode.NotFound, $"namespace {name} not found",
                new Temporalio.Api.ErrorDetails.V1.NamespaceNotFoundFailure { Namespace = name });

    public IEnumerable<NamespaceEntry> AllNamespaces => namespaces.Values;

    public IEnumerable<WorkflowRun> Runs(string ns) => runs.Where(r => r.Key.Ns == ns).Select(r => r.Value);

    /// <summary>The run named by id and optional run id (empty run id: the latest run).</summary>
    public WorkflowRun FindRun(string ns, string workflowId, string? runId)
    {
        Namespace(ns);
        var found = string.IsNullOrEmpty(runId)
            ? latestRuns.GetValueOrDefault((ns, workflowId))
            : runs.GetValueOrDefault((ns, runId));
        if (found is null || found.WorkflowId != workflowId)
        {
            throw RpcErrors.WithDetail(StatusCode.NotFound, $"workflow execution {workflowId} {runId} not found",
                new Temporalio.Api.ErrorDetails.V1.NotFoundFailure());
        }

        return found;
    }

    public WorkflowRun? TryFindRun(string ns, string workflowId, string? runId)
    {
        var found = string.IsNullOrEmpty(runId)
            ? latestRuns.GetValueOrDefault((ns, workflowId))
            : runs.GetValueOrDefault((ns, runId));
        return found?.WorkflowId == workflowId ? found : null;
    }

    private void AddRun(WorkflowRun run)
    {
        runs[(run.Namespace.Name, run.RunId)] = run;
        latestRuns[(run.Namespace.Name, run.WorkflowId)] = run;
    }

    private void WakeClock() => clockWake.TrySetResult();

    [LoggerMessage(Level = LogLevel.Error, Message = "A timer action failed")]
    private static partial void LogTimerFailure(ILogger logger, Exception exception);

    /// <summary>
    /// Fires due timers and, in time-skipping mode, skips idle time. Runs for the life of the server.
    /// </summary>
    public async Task RunClockAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            Task wake;
            lock (Gate)
            {
                if (clockWake.Task.IsCompleted)
                {
                    clockWake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                wake = clockWake.Task;
                try
                {
                    Clock.FireDue();
                }
#pragma warning disable CA1031 // A failing timer action must not stop every other timer of the server.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    LogTimerFailure(logger, e);
                }

                var next = Clock.PeekNext();
                if (next is not null && Clock.TimeSkipping && Clock.LockCount <= 0 && IsIdle())
                {
                    Clock.SkipTo(next.Due);
                    continue;
                }

                wait = next is null ? TimeSpan.FromSeconds(1) : next.Due - Clock.Now;
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await wake.WaitAsync(wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Time to look at the timers again.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Nothing is waiting for or running on a worker: time may be skipped.</summary>
    private bool IsIdle() => !runs.Values.Any(r => r.IsRunning
        && (r.WorkflowTask is not null || r.Activities.Values.Any(a => !a.InBackoff)));
}

/// <summary>The server's clock, shared by the engine and the test service.</summary>
internal sealed class ServerClock(Hosting.ServerOptions options)
{
    public VirtualClock Clock { get; } = new(options.TimeSkipping);
}
