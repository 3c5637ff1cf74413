using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator runs start|list|show|wait|cancel`.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var runs = new Command("runs", "Start, list, show, wait for and cancel pipeline runs.");
        runs.Subcommands.Add(Start());
        runs.Subcommands.Add(List());
        runs.Subcommands.Add(Show());
        runs.Subcommands.Add(Wait());
        runs.Subcommands.Add(Cancel());
        return runs;
    }

    private static Command Start()
    {
        var model = new Option<string>("--model") { Description = "The model to train a version of.", Required = true };
        var datasetName = new Option<string?>("--dataset") { Description = "A registered dataset (POST /api/datasets); default: a synthetic dataset." };
        var count = new Option<int>("--synthetic-count") { Description = "Images of the synthetic dataset.", DefaultValueFactory = _ => 240 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic dataset.", DefaultValueFactory = _ => 7 };
        var drift = new Option<string?>("--drift") { Description = "Drift parameter of the synthetic dataset (e.g. brightness shift)." };
        var policy = new Option<string>("--policy") { Description = "Policy name.", DefaultValueFactory = _ => "default" };
        var policyVersion = new Option<int?>("--policy-version") { Description = "Policy version (default: the latest)." };
        var baseCheckpoint = new Option<string?>("--base-checkpoint") { Description = "Checkpoint digest to retrain from." };
        var baseModel = new Option<string?>("--base-model") { Description = "A registered base model to fine-tune (orchestrator base-models register)." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key starts the run once." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the run ends or needs approval, showing progress." };
        var command = new Command("start", "Start a governed pipeline run.") { model, datasetName, count, seed, drift, policy, policyVersion, baseCheckpoint, baseModel, key, wait };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var parameters = new Dictionary<string, string> { ["count"] = parse.GetValue(count).ToString(System.Globalization.CultureInfo.InvariantCulture), ["seed"] = parse.GetValue(seed).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (parse.GetValue(drift) is { } d)
            {
                parameters["drift"] = d;
            }

            object? dataset = parse.GetValue(datasetName) is null
                ? new { kind = "synthetic", parameters, licence = "CC0-1.0", consent = "synthetic data", retention = "P7Y" }
                : null;
            var body = new
            {
                modelName = parse.GetValue(model),
                dataset,
                datasetName = parse.GetValue(datasetName),
                policy = new { name = parse.GetValue(policy), version = parse.GetValue(policyVersion) },
                baseCheckpointDigest = parse.GetValue(baseCheckpoint),
                baseModel = parse.GetValue(baseModel),
            };
            var accepted = await api.PostAsync("/api/runs", body, cancellationToken, parse.GetValue(key));
            output.Record(accepted, ("run", e => Str(e, "runId")), ("workflow", e => Str(e, "workflowId")), ("policy", e => Str(e, "policyVersion")));
            return parse.GetValue(wait) ? await RunWaiter.WaitAsync(api, output, Str(accepted, "runId")!, null, TimeSpan.FromMinutes(30), cancellationToken) : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var status = new Option<string?>("--status") { Description = "requested, running, completed, failed or cancelled." };
        var model = new Option<string?>("--model") { Description = "Only runs of this model." };
        var requestedBy = new Option<string?>("--requested-by") { Description = "Only runs this user requested." };
        var take = new Option<int>("--take") { Description = "Page size (1-200).", DefaultValueFactory = _ => 50 };
        var skip = new Option<int>("--skip") { Description = "Runs to skip.", DefaultValueFactory = _ => 0 };
        var command = new Command("list", "List runs, newest first.") { status, model, requestedBy, take, skip };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var query = new List<string> { $"take={parse.GetValue(take)}", $"skip={parse.GetValue(skip)}" };
            Add(query, "status", parse.GetValue(status));
            Add(query, "model", parse.GetValue(model));
            Add(query, "requestedBy", parse.GetValue(requestedBy));
            var page = await api.GetAsync("/api/runs?" + string.Join("&", query), cancellationToken);
            output.Table(page, page.GetProperty("items").EnumerateArray(),
                ("run", e => Str(e, "runId")), ("model", e => Str(e, "modelName")), ("status", e => Str(e, "status")), ("stage", e => Str(e, "stage")),
                ("requested by", e => Str(e, "requestedBy")), ("requested at", e => Str(e, "requestedAt")));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var run = CliContext.Arg("run-id", "The run.");
        var command = new Command("show", "Show a run: stages, pending approval, evidence.") { run };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var detail = await api.GetAsync($"/api/runs/{CliContext.Segment(parse.GetValue(run)!)}", cancellationToken);
            Print(detail, output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Wait()
    {
        var run = CliContext.Arg("run-id", "The run.");
        var until = new Option<string?>("--until-stage") { Description = "Return once the run's ledger stage is this (e.g. awaiting-approval)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait at most.", DefaultValueFactory = _ => 1800 };
        var command = new Command("wait", "Wait for a run to end (or reach a stage), showing its progress.") { run, until, timeout };
        command.SetApiAction((parse, api, output, cancellationToken) =>
            RunWaiter.WaitAsync(api, output, parse.GetValue(run)!, parse.GetValue(until), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static Command Cancel()
    {
        var run = CliContext.Arg("run-id", "The run.");
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit trail)." };
        var command = new Command("cancel", "Cancel a run (its requester or an admin).") { run, reason };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var result = await api.PostAsync($"/api/runs/{CliContext.Segment(parse.GetValue(run)!)}/cancel", new { reason = parse.GetValue(reason) }, cancellationToken);
            output.Record(result, ("run", e => Str(e, "runId")), ("cancellation", _ => "requested"));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Print(JsonElement detail, Output output)
    {
        var run = detail.GetProperty("run");
        output.Record(detail, ("run", _ => Str(run, "runId")), ("model", _ => Str(run, "modelName")), ("status", _ => Str(run, "status")),
            ("stage", _ => Str(run, "stage")), ("requested by", _ => Str(run, "requestedBy")), ("policy", e => Str(e, "policyVersion")),
            ("failure", e => Str(e, "failureReason")), ("awaiting approval of", e => Str(e, "pendingApprovalEvidenceDigest")),
            ("evidence", e => string.Join(", ", e.GetProperty("evidence").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}"))),
            ("events", e => Str(e.GetProperty("links"), "events")));
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}
