using System.CommandLine;
using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Commands;

/// <summary>`orchestrator canary promote|rollback RUN --reason ...`: decide a canary held for too little traffic (ADR 0040).</summary>
public static class CanaryCommand
{
    public static Command Create()
    {
        var canary = new Command("canary", "Decide a canary held for too little traffic: promote it or roll it back (signed as you).");
        canary.Subcommands.Add(Decide("promote"));
        canary.Subcommands.Add(Decide("rollback"));
        return canary;
    }

    private static Command Decide(string decision)
    {
        var run = CliContext.Arg("run-id", "The run whose canary is held.");
        var reason = new Option<string>("--reason") { Description = "Why (required; kept in the audit trail and the deployment outcome).", Required = true };
        var evidence = new Option<string?>("--evidence-digest") { Description = "The hold's evidence digest you reviewed (default: the run's, shown first)." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat-safe key: the same key signs once." };
        var command = new Command(decision, $"Sign '{decision}' on a run's held canary.") { run, reason, evidence, key };
        command.SetApiAction(async (parse, api, output, cancellationToken) =>
        {
            var runId = parse.GetValue(run)!;
            var digest = parse.GetValue(evidence);
            if (digest is null)
            {
                // Show what is being decided (the hold's counts and reason), then sign exactly that evidence.
                var detail = await api.GetAsync($"/api/runs/{CliContext.Segment(runId)}", cancellationToken);
                if (!detail.TryGetProperty("canaryHold", out var hold) || hold.ValueKind != System.Text.Json.JsonValueKind.Object)
                {
                    throw new CliException(ExitCodes.NotFoundOrConflict, $"run {runId} has no canary held for a decision");
                }

                digest = Str(hold, "evidenceDigest");
                if (!output.Json)
                {
                    output.Record(hold, ("canary", e => Str(e, "status")), ("version", e => Str(e, "modelVersion")), ("canary requests", e => Str(e, "canaryRequests")),
                        ("production requests", e => Str(e, "productionRequests")), ("reason", e => Str(e, "reason")), ("deadline", e => Str(e, "deadline")));
                }
            }

            var signed = await api.PostAsync($"/api/runs/{CliContext.Segment(runId)}/canary-decision",
                new { decision, reason = parse.GetValue(reason), evidenceDigest = digest }, cancellationToken, parse.GetValue(key));
            output.Record(signed, ("decided", e => Str(e, "decision")), ("run", e => Str(e, "runId")),
                ("ledger entry", e => $"{Str(e, "streamId")}@{Str(e, "version")}"), ("hash", e => Str(e, "hash")),
                ("judgement", e => e.TryGetProperty("judgement", out var j) && j.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? $"{Str(j, "outcome")}: {Str(j, "explanation")}" : "not judged yet (see the run)"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
