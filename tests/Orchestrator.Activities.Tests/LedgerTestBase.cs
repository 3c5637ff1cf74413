using Orchestrator.Activities.Common;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Storage;
using Orchestrator.Operations.Models;
using Orchestrator.Testing;
using Temporalio.Testing;

namespace Orchestrator.Activities.Tests;

/// <summary>A real ledger in a fresh database, and an activity environment that looks like one attempt of one activity.</summary>
public abstract class LedgerTestBase(PostgresDatabase database) : IAsyncLifetime
{
    protected LedgerDatabase Database { get; private set; } = null!;

    protected MartenAuditLedger Ledger { get; private set; } = null!;

    protected StageAudit Audit { get; private set; } = null!;

    /// <summary>Load, decide, append on this ledger (what the model-stream activities run on).</summary>
    protected ModelOperations Models => new(Ledger, TimeProvider.System);

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Database = await LedgerDatabase.OpenAsync(database.ConnectionString, $"audit_{GetType().Name.ToLowerInvariant()}", installSchema: true, Token);
        Ledger = new MartenAuditLedger(Database, TimeProvider.System);
        Audit = new StageAudit(Ledger, new WorkerIdentity("orchestrator-worker", "test-worker"));
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>An environment for attempt <paramref name="attempt"/> of activity <paramref name="activityId"/> of a workflow run.</summary>
    protected static ActivityEnvironment Activity(string workflowRunId, string activityId, int attempt = 1) => new()
    {
        Info = ActivityEnvironment.DefaultInfo with
        {
            WorkflowId = "run-wf",
            WorkflowRunId = workflowRunId,
            ActivityId = activityId,
            Attempt = attempt,
        },
    };
}
