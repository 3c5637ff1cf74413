using Orchestrator.Api.Approvals;
using Orchestrator.Api.Console.Runs;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Audit.Replay;

namespace Orchestrator.Api.Console.Inbox;

/// <summary>A run waiting for approval, as the inbox lists it; <paramref name="ForViewer"/> when GET /api/approvals/pending lists it for the viewer.</summary>
public sealed record InboxItem(RunSummary Run, ApprovalView Standing, bool ForViewer);

/// <summary>
/// The approvals inbox: the runs waiting for the viewer (the same query as GET /api/approvals/pending) and the other runs
/// awaiting approval, each with the request's quorum, deadline and signatures and why the viewer may or may not sign.
/// </summary>
public sealed class InboxLoader(ApprovalService approvals, AuditReadModels readModels, IAuditLedger ledger, ApprovalStanding standing)
{
    private const int Page = 200;

    public async Task<IReadOnlyList<InboxItem>> LoadAsync(string viewer, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        var yours = (await approvals.PendingAsync(viewer, roles, cancellationToken)).Select(p => p.RunId).ToHashSet(StringComparer.Ordinal);
        var items = new List<InboxItem>();
        for (var skip = 0; ; skip += Page)
        {
            var runs = await readModels.ListRunsAsync(new RunFilter(RunStatus.Running), skip, Page, cancellationToken);
            foreach (var run in runs.Where(r => r.Stage == "awaiting-approval" && r.ApprovalEvidenceDigest is not null))
            {
                var recent = await ledger.ReadStreamAsync(run.Id, Math.Max(1, run.StreamVersion - 50), 100, cancellationToken);
                var request = recent.LastOrDefault(e => e.Data is ApprovalRequested)?.Data as ApprovalRequested;
                items.Add(new InboxItem(run, standing.Of(run, request, viewer, roles), yours.Contains(run.RunId ?? run.Id)));
            }

            if (runs.Count < Page)
            {
                return [.. items.OrderByDescending(i => i.ForViewer).ThenBy(i => i.Standing.Deadline)];
            }
        }
    }
}
