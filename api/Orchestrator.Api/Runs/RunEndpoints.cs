using Orchestrator.Api.Hosting;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Client;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Client;
using Temporalio.Exceptions;
using LedgerRunStatus = Orchestrator.Audit.Replay.RunStatus;

namespace Orchestrator.Api.Runs;

/// <summary>/api/runs: start, list, show and cancel pipeline runs.</summary>
public static class RunEndpoints
{
    private const int MaxTake = 200;
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/runs").WithTags("Runs");
        runs.MapPost("/", StartAsync).RequireAuthorization(AccessPolicies.StartRuns).Validated<StartRunRequest>()
            .WithSummary("Start a governed pipeline run (202 + Location). Honours Idempotency-Key.");
        runs.MapGet("/", ListAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("List runs, newest first, with filters and paging.");
        runs.MapGet("/{runId}", GetAsync).RequireAuthorization(AccessPolicies.Read).WithSummary("A run with its stages, pending approval and evidence.");
        runs.MapPost("/{runId}/cancel", CancelAsync).RequireAuthorization(AccessPolicies.StartRuns)
            .WithSummary("Cancel a run (its requester or an admin).");
        return app;
    }

    private static async Task<IResult> StartAsync(StartRunRequest request, HttpContext http, RunStarter starter, Datasets.DatasetRegistry datasets,
        [Microsoft.AspNetCore.Mvc.FromServices] Orchestrator.Operations.BaseModels.BaseModelRegistry baseModels)
    {
        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        var dataset = request.Dataset;
        string? sourceName = null;
        string? registrant = null;
        if (request.DatasetName is { } name)
        {
            var registration = await datasets.FindAsync(name, http.RequestAborted);
            if (registration is null)
            {
                return Problems.Validation("DatasetName", $"No dataset '{name}' is registered (POST /api/datasets).");
            }

            dataset = registration.Source;
            registrant = registration.RegisteredBy;
            sourceName = Datasets.DatasetRegistry.SourceName(name);
        }

        Orchestrator.Workflows.Train.BaseModelRef? baseModel = null;
        if (request.BaseModel is { } baseName)
        {
            // Pinned here by digest: the run fine-tunes from exactly the weights registered under the name now.
            var found = await baseModels.FindAsync(baseName, http.RequestAborted);
            if (found is null)
            {
                return Problems.Validation("BaseModel", $"No base model '{baseName}' is registered (POST /api/base-models).");
            }

            baseModel = new Orchestrator.Workflows.Train.BaseModelRef(baseName, found.Registration.WeightsDigest);
        }

        var (user, roles) = http.Caller();
        var runId = key is null ? Idempotency.NewId() : Idempotency.DeriveId("run", user, key);
        var causation = key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}";
        try
        {
            var started = await starter.StartAsync(request, dataset!, sourceName, user, roles, runId, causation, http.RequestAborted, registrant, baseModel);
            return TypedResults.Accepted($"/api/runs/{started.RunId}", new RunAccepted(started.RunId, started.WorkflowId, started.PolicyVersion, "requested"));
        }
        catch (Orchestrator.Audit.Ledger.IdempotencyConflictException)
        {
            return Problems.Conflict($"The {Idempotency.Header} was already used for a different run request.");
        }
        catch (RpcException e)
        {
            return Problems.Unavailable($"The run {runId} is recorded but its workflow could not be started ({e.Message}); repeat the request with the same {Idempotency.Header} to retry.");
        }
    }

    private static async Task<IResult> ListAsync(
        AuditReadModels readModels, string? status = null, string? model = null, string? requestedBy = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int skip = 0, int take = 50, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        LedgerRunStatus? parsed = null;
        if (status is not null)
        {
            if (Enum.TryParse<LedgerRunStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(status, out _))
            {
                parsed = s;
            }
            else
            {
                errors["status"] = [$"Must be one of: {string.Join(", ", Enum.GetNames<LedgerRunStatus>().Select(n => n.ToLowerInvariant()))}."];
            }
        }

        if (model is not null && !RequestRules.IsName(model))
        {
            errors["model"] = [RequestRules.NameMessage];
        }

        if (requestedBy is { Length: > 200 })
        {
            errors["requestedBy"] = ["At most 200 characters."];
        }

        if (skip is < 0 or > 1_000_000)
        {
            errors["skip"] = ["Must be between 0 and 1000000."];
        }

        if (take is < 1 or > MaxTake)
        {
            errors["take"] = [$"Must be between 1 and {MaxTake}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var page = await readModels.ListRunsAsync(new RunFilter(parsed, model, requestedBy, from, to), skip, take + 1, cancellationToken);
        var items = page.Take(take).Select(RunViewMapping.Item).ToList();
        var next = page.Count > take ? NextLink(status, model, requestedBy, from, to, skip + take, take) : null;
        return TypedResults.Ok(new RunPage(items, skip, take, next));
    }

    private static string NextLink(string? status, string? model, string? requestedBy, DateTimeOffset? from, DateTimeOffset? to, int skip, int take)
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = status, ["model"] = model, ["requestedBy"] = requestedBy, ["from"] = from?.ToString("O"), ["to"] = to?.ToString("O"),
            ["skip"] = skip.ToString(System.Globalization.CultureInfo.InvariantCulture), ["take"] = take.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/api/runs", query.Where(q => q.Value is not null));
    }

    private static async Task<IResult> GetAsync(string runId, AuditReadModels readModels, ITemporalClient temporal, CancellationToken cancellationToken)
    {
        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), cancellationToken) is not { } summary)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        Orchestrator.Workflows.Lifecycle.RunStatus? workflow = null;
        string? unavailable = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(QueryTimeout);
            try
            {
                workflow = await temporal.GetWorkflowHandle<ModelLifecycleWorkflow>(ModelLifecycleWorkflow.WorkflowId(runId))
                    .QueryAsync(wf => wf.Status(), new WorkflowQueryOptions { Rpc = new RpcOptions { CancellationToken = timeout.Token } });
            }
            catch (Exception e) when (e is RpcException or WorkflowQueryFailedException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                // The ledger is the record; the live status is a bonus when Temporal answers in time.
                unavailable = e is OperationCanceledException ? "the workflow did not answer the status query in time" : e.Message;
            }
        }

        return TypedResults.Ok(new RunDetail(RunViewMapping.Item(summary), summary.PolicyVersion, summary.FailureReason, RunViewMapping.Evidence(summary),
            summary.Approvals, summary.Stage == "awaiting-approval" ? summary.ApprovalEvidenceDigest : null, workflow, unavailable, RunViewMapping.Links(runId),
            summary.Cancellation, summary.RefusedSignatures, summary.Contributors, CanaryHoldView.Of(summary)));
    }

    private static async Task<IResult> CancelAsync(
        string runId, CancelRunRequest? request, HttpContext http, AuditReadModels readModels, IAuditLedger ledger, ITemporalClient temporal, ApiMetrics metrics)
    {
        if (request?.Reason is { } reason && !RequestRules.IsReason(reason))
        {
            return Problems.Validation("reason", "Must be 1-2000 characters without control characters.");
        }

        var (key, problem) = Idempotency.Read(http);
        if (problem is not null)
        {
            return problem;
        }

        if (!RunWorkflows.IsRunId(runId) || await readModels.RunAsync(AuditStreams.Run(runId), http.RequestAborted) is not { } summary)
        {
            return Problems.NotFound($"No run '{runId}'.");
        }

        var (user, roles) = http.Caller();
        if (summary.RequestedBy != user && !roles.Contains(Roles.Admin))
        {
            return Problems.Forbidden("Only the run's requester or an admin can cancel it.");
        }

        if (summary.Status is LedgerRunStatus.Completed or LedgerRunStatus.Failed or LedgerRunStatus.Cancelled)
        {
            return Problems.Conflict($"The run has already ended ({summary.Status.ToString().ToLowerInvariant()}).");
        }

        // Who asked and why, recorded as the caller before the workflow hears of it (like approvals); the workflow's
        // RunCancelled follows once the run has stopped.
        var context = new AuditContext(Actor.User(user, roles), new Correlation(ModelLifecycleWorkflow.WorkflowId(runId), runId),
            key is null ? $"http:{http.TraceIdentifier}" : $"idempotency-key:{key}", []);
        var ledgerKey = $"cancellation-requested/{Idempotency.DeriveId("cancel", user, key ?? Idempotency.NewId())}";
        try
        {
            await ledger.AppendAsync(AuditStreams.Run(runId), new RunCancellationRequested(user, request?.Reason), context, ledgerKey, http.RequestAborted);
        }
        catch (IdempotencyConflictException)
        {
            return Problems.Conflict($"The {Idempotency.Header} was already used for a different cancellation.");
        }

        try
        {
            await temporal.GetWorkflowHandle(ModelLifecycleWorkflow.WorkflowId(runId)).CancelAsync(new WorkflowCancelOptions { Rpc = new RpcOptions { CancellationToken = http.RequestAborted } });
        }
        catch (RpcException e) when (e.Code == RpcException.StatusCode.NotFound)
        {
            return Problems.Conflict("The cancellation request is recorded, but the run's workflow is not running.");
        }

        metrics.RunCancelled(summary.Stage);
        return TypedResults.Accepted($"/api/runs/{runId}", RunViewMapping.Item(summary));
    }
}
