using Orchestrator.Activities.Common;
using Orchestrator.Activities.QualityControl;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Api.Tests.GoldAudits;

/// <summary>
/// The gold-audit activities for the API tests' workers: the request records a fixed three-item sample (the stand-in stages store
/// no images to sample from); confirming and recording refusals are the real <see cref="GoldAuditActivities"/> on the factory's ledger.
/// </summary>
public sealed class GoldAuditStandIn(StageAudit audit) : IGoldAuditActivities
{
    public static readonly string[] Items = ["i1", "i2", "i3"];

    private readonly GoldAuditActivities _real = new(null!, audit);

    public async Task<GoldAuditRequest> RequestAsync(IGoldAuditActivities.RequestInput input)
    {
        var image = Orchestrator.Contracts.Digest.FromHex(new string('d', 64)).ToString();
        await audit.RecordAsync(input.RunId, new GoldAuditRequested(input.Labels.LabelSetDigest, [.. Items.Select(i => new GoldAuditItem(i, image))], input.Dataset.Classes,
            [.. input.Labels.Annotators], input.Deadline), "gold-audit-requested");
        return new GoldAuditRequest(input.Labels.LabelSetDigest, Items, input.Dataset.Classes, [.. input.Labels.Annotators], input.Deadline);
    }

    public Task<GoldAuditSubmission> ConfirmAsync(IGoldAuditActivities.ConfirmInput input) => _real.ConfirmAsync(input);

    public Task RecordRefusedAsync(IGoldAuditActivities.RefusedInput input) => _real.RecordRefusedAsync(input);
}
