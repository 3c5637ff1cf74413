using Orchestrator.Cli.Client;
using static Orchestrator.Cli.Client.Output;

namespace Orchestrator.Cli.Demo;

/// <summary>The sign-off: the requester's own attempt is refused (separation of duties), then two distinct approvers sign.</summary>
public static class Approvals
{
    /// <summary>Signs the open request of <paramref name="runId"/> as bob and carol, showing alice refused when she is the requester.</summary>
    public static async Task SignAsync(DemoPeople people, DemoLog log, string runId, int version, string evidence, CancellationToken cancellationToken, bool requesterIsAlice = true)
    {
        if (requesterIsAlice)
        {
            await log.StepAsync("alice tries to approve her own run (she also holds the approver role)", async () =>
            {
                try
                {
                    await Sign(people.Alice, "alice", runId, evidence, "I trained it, it is fine", cancellationToken);
                }
                catch (CliException e) when (e.ExitCode == ExitCodes.Denied)
                {
                    log.Info($"refused as expected: {e.Message}");
                    return;
                }

                throw new DemoFailedException($"alice approved her own run {runId}: separation of duties was not enforced");
            });
        }

        foreach (var (name, client) in new[] { ("bob", people.Bob), ("carol", people.Carol) })
        {
            await log.StepAsync($"{name} approves version {version} with a reason", async () =>
            {
                var signed = await Sign(client, name, runId, evidence, $"{name}: reviewed the evidence report of version {version}; gates passed", cancellationToken);
                log.Info($"signed {Str(signed, "decision")} on {evidence[..Math.Min(23, evidence.Length)]}...: ledger entry {Str(signed, "streamId")}@{Str(signed, "version")}; "
                    + $"the workflow: {Commands.ApprovalsCommand.Judgement(signed)}");
            });
        }
    }

    private static Task<System.Text.Json.JsonElement> Sign(ApiClient client, string who, string runId, string evidence, string reason, CancellationToken cancellationToken) =>
        client.PostAsync($"/api/runs/{Uri.EscapeDataString(runId)}/approvals", new { decision = "approve", reason, evidenceDigest = evidence }, cancellationToken,
            $"demo-{runId}-{who}-{evidence[^16..]}");
}
