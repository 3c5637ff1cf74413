using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Tests;

/// <summary>Requests and ledger facts the resource tests share.</summary>
public static class RunFixtures
{
    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A valid run request body (a small synthetic dataset under the default policy).</summary>
    public static object StartBody(string model = "shapes") => new
    {
        modelName = model,
        dataset = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "60", ["seed"] = "7" }, licence = "CC0-1.0", consent = "synthetic", retention = "P7Y" },
        policy = new { name = "default" },
    };

    /// <summary>Starts a run as <paramref name="client"/>'s user and returns its id.</summary>
    public static async Task<string> StartRunAsync(HttpClient client, string model = "shapes")
    {
        using var response = await client.PostAsJsonAsync("/api/runs", StartBody(model), Token);
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response)).GetProperty("runId").GetString()!;
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.Clone();

    /// <summary>What the workflow's activities would have recorded by the approval stage: the run started and asked for approval.</summary>
    public static async Task<string> RecordAwaitingApprovalAsync(ApiFactory api, string runId)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var stream = AuditStreams.Run(runId);
        var context = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        await ledger.AppendAsync(stream, new RunStarted($"model-lifecycle-{runId}", api.TaskQueue), context, "run-started", Token);
        var digest = Digest.FromHex(new string('a', 64)).ToString();
        await ledger.AppendAsync(stream, new ApprovalRequested("shapes", 1, digest, ["approver"], 2, DateTimeOffset.UtcNow.AddHours(1)), context, "approval-requested", Token);
        return digest;
    }

    /// <summary>What the workflow records when it does not count a signature: <paramref name="approver"/> signed, and the signature was refused.</summary>
    public static async Task RecordRefusalAsync(ApiFactory api, string runId, string approver)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var stream = AuditStreams.Run(runId);
        var digest = (await StreamAsync(api, runId)).Select(e => e.Data).OfType<ApprovalRequested>().Last().EvidenceDigest;
        var user = new AuditContext(Actor.User(approver, "approver"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        var signed = await ledger.AppendAsync(stream, new ApprovalSigned(approver, ["approver"], ApprovalDecision.Approve, "ok", digest), user, $"signed-{approver}", Token);
        var worker = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        await ledger.AppendAsync(stream, new ApprovalRefused(approver, "stale-evidence", "signed for other evidence", new LedgerReference(stream, signed.Version, signed.Hash)),
            worker, $"refused-{approver}", Token);
    }

    /// <summary>Every entry of a stream.</summary>
    public static Task<IReadOnlyList<LedgerEntry>> StreamAsync(ApiFactory api, string runId) =>
        api.Services.GetRequiredService<IAuditLedger>().ReadStreamAsync(AuditStreams.Run(runId), 1, 1000, Token);
}
