using System.CommandLine;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator approvals list|approve|reject`.</summary>
public static class ApprovalsCommand
{
    public static Command Create()
    {
        var approvals = new Command("approvals", "Runs waiting for your decision; sign approve or reject.");
        var list = new Command("list", "Runs waiting for your decision.");
        list.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var pending = await api.GetAsync("/api/approvals/pending", cancellationToken);
            output.Table(pending, pending.EnumerateArray(), ("run", e => Str(e, "runId")), ("kind", e => Str(e, "kind")), ("model", e => Str(e, "modelName")),
                ("version", e => Str(e, "modelVersion")), ("requested by", e => Str(e, "requestedBy")), ("evidence", e => Str(e, "evidenceDigest")),
                ("signed", e => Str(e, "signaturesSoFar")));
            return ExitCodes.Ok;
        });
        approvals.Subcommands.Add(list);
        approvals.Subcommands.Add(Decide("approve"));
        approvals.Subcommands.Add(Decide("reject"));
        return approvals;
    }

    private static Command Decide(string decision)
    {
        var run = CliContext.Arg("run-id", "The run.");
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit trail).", Required = true };
        var evidence = new Option<string?>("--evidence-digest") { Description = "The evidence digest you reviewed (default: the run's open request, shown first)." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key signs once." };
        var command = new Command(decision, $"Sign '{decision}' on a run's evidence.") { run, reason, evidence, key };
        // Only an approval can accept deploying a first version without a canary comparison (ADR 0044).
        var acceptNoComparison = new Option<bool>("--accept-no-canary-comparison")
        {
            Description = "Accept explicitly deploying this first version (the model has no production version) without a canary comparison: "
                + "when every approver accepted, a canary window short of the minimum traffic promotes it.",
        };
        if (decision == "approve")
        {
            command.Options.Add(acceptNoComparison);
        }

        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var runId = parse.GetValue(run)!;
            var digest = parse.GetValue(evidence);
            if (digest is null)
            {
                // Show what is being signed: the run and its evidence, then sign exactly that digest.
                var detail = await api.GetAsync($"/api/runs/{CliContext.Segment(runId)}", cancellationToken);
                digest = Str(detail, "pendingApprovalEvidenceDigest") ?? throw new CliException(ExitCodes.NotFoundOrConflict, $"run {runId} is not waiting for approval");
                if (!output.Json)
                {
                    RunsCommand.Print(detail, output);
                }
            }

            var signed = await api.PostAsync($"/api/runs/{CliContext.Segment(runId)}/approvals",
                decision == "approve" && parse.GetValue(acceptNoComparison)
                    ? new { decision, reason = parse.GetValue(reason), evidenceDigest = digest, acceptNoCanaryComparison = true }
                    : (object)new { decision, reason = parse.GetValue(reason), evidenceDigest = digest }, cancellationToken, parse.GetValue(key));
            output.Record(signed, ("signed", e => Str(e, "decision")), ("run", e => Str(e, "runId")),
                ("ledger entry", e => $"{Str(e, "streamId")}@{Str(e, "version")}"), ("hash", e => Str(e, "hash")),
                ("judgement", Judgement));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The workflow's answer ("counted: 1 more approval needed ..."), or that it follows in the ledger (a 202).</summary>
    public static string Judgement(System.Text.Json.JsonElement submission) =>
        submission.TryGetProperty("judgement", out var j) && j.ValueKind == System.Text.Json.JsonValueKind.Object
            ? $"{Str(j, "outcome")}: {Str(j, "explanation")} ({Str(j, "approvalsStillNeeded")} more approval(s) needed)"
            : "not judged yet (see the run)";
}
