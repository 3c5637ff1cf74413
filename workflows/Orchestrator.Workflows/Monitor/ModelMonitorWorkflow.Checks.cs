using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Lifecycle;
using Temporalio.Workflows;

namespace Orchestrator.Workflows.Monitor;

/// <summary>One health check (measure, decide, maybe retrain) and the retirement of superseded versions.</summary>
public sealed partial class ModelMonitorWorkflow
{
    /// <summary>How many check intervals pass after a retrain request before drift may request another (when no run is in flight).</summary>
    public const int CoolDownIntervals = 6;

    private async Task CheckAsync()
    {
        var production = _production!;
        var now = Workflow.UtcNow;
        await ForgetEndedRetrainAsync();
        var number = _state.Checks + 1;
        var accumulates = Workflow.Patched(Patches.MonitorEvidenceAccumulates);
        var since = _state.WindowStart ?? now - production.Drift.CheckInterval;
        // Evidence accumulates from the last judgement, but no further back than the policy's maximum age.
        var oldest = now - production.Drift.EvidenceAge;
        var from = accumulates && since < oldest ? oldest : since;
        var feedbackSince = _state.FeedbackWindowStart ?? since;
        HealthReport report;
        try
        {
            var measure = accumulates
                ? new IMeasureActivities.Input(_model, production.Version, from, now, production.Drift, production.PolicyDigest, $"{Workflow.Info.WorkflowId}/check-{number}",
                    feedbackSince < oldest ? oldest : feedbackSince, since)
                : new IMeasureActivities.Input(_model, production.Version, from, now, production.Drift, production.PolicyDigest, $"{Workflow.Info.WorkflowId}/check-{number}");
            report = await Workflow.ExecuteActivityAsync((IMeasureActivities a) => a.MeasureAsync(measure), MonitorActivityOptions.Measure(Queues));
        }
        catch (Exception e) when (Failed(e))
        {
            // The window stays open: the next check measures it again under its own key.
            _state = _state with { Checks = number, LastDecision = $"check {number} failed: {e.InnerException?.Message ?? e.Message}", LastCheck = now };
            return;
        }

        _state = _state with { Checks = number, LastCheck = now, WindowStart = now, LastReport = report };
        if (report.ServingStopped)
        {
            // The ledger holds a stop no ServingStopped signal told us of. Checks go on (without a ServingResumed
            // signal a paused monitor would never notice the resume); each records that nothing was measured.
            _state = _state with { LastDecision = "serving is stopped (emergency stop in the ledger): nothing measured" };
            return;
        }

        var verdict = DriftDecision.Decide(report, production.Drift,
            new DriftContext(_state.Retrain?.RunId, _state.LastRetrainAt, now, production.Drift.CheckInterval * CoolDownIntervals, accumulates ? since : null));
        _state = _state with { LastDecision = verdict.Reason };
        if (accumulates)
        {
            // Too little traffic: the window stays open (silence is not health) and the next check counts these predictions again.
            _state = _state with
            {
                WindowStart = verdict.Judged ? now : since,
                FeedbackWindowStart = verdict.Judged && verdict.FeedbackJudged ? now : feedbackSince,
                LastOutcomes = verdict.Checks,
            };
        }

        if (verdict.Retrain)
        {
            await RequestRetrainAsync(production, verdict, now);
        }
    }

    private async Task RequestRetrainAsync(MonitoredVersion production, DriftVerdict verdict, DateTimeOffset now)
    {
        var detection = _state.Detections + 1;
        try
        {
            var request = new IRetrainActivities.RequestInput(_model, production, detection, verdict.Reason, Workflow.Info.WorkflowId);
            var run = await Workflow.ExecuteActivityAsync((IRetrainActivities a) => a.RequestRetrainAsync(request), MonitorActivityOptions.Retrain(Queues));
            _state = _state with
            {
                Detections = detection,
                Retrain = new RetrainInFlight(run.RunId, detection, now),
                LastRetrainAt = now,
                LastDecision = $"{verdict.Reason}; retrain run {run.RunId} requested",
            };
        }
        catch (Exception e) when (Failed(e))
        {
            // Not counted as a detection: the next drifting check asks again under the same detection number.
            _state = _state with { LastDecision = $"{verdict.Reason}; the retrain request failed: {e.InnerException?.Message ?? e.Message}" };
        }
    }

    private async Task ForgetEndedRetrainAsync()
    {
        if (_state.Retrain is not { } retrain)
        {
            return;
        }

        try
        {
            var state = new IRetrainActivities.RunStateInput(retrain.RunId);
            var open = await Workflow.ExecuteActivityAsync((IRetrainActivities a) => a.RetrainRunStateAsync(state), MonitorActivityOptions.Retrain(Queues));
            if (!open && _state.Retrain?.RunId == retrain.RunId)
            {
                _state = _state with { Retrain = null };
            }
        }
        catch (Exception e) when (Failed(e))
        {
            // Unknown: keep treating it as in flight (the safe side: no second retrain).
        }
    }

    private async Task DecommissionDueAsync()
    {
        foreach (var pending in _state.Pending.Where(p => p.Due <= Workflow.UtcNow).ToList())
        {
            string outcome;
            try
            {
                var retire = new IDecommissionActivities.Input(_model, pending.Version, pending.Reason, pending.PolicyDigest);
                var done = await Workflow.ExecuteActivityAsync((IDecommissionActivities a) => a.DecommissionAsync(retire), MonitorActivityOptions.Decommission(Queues));
                outcome = done.AlreadyDecommissioned ? $"v{pending.Version} was already decommissioned" : $"v{pending.Version} decommissioned: {pending.Reason}";
            }
            catch (Exception e) when (Failed(e))
            {
                // Refused for good (e.g. it is production again) or failing for now: reported, not retried in a loop.
                outcome = $"decommissioning v{pending.Version} failed: {e.InnerException?.Message ?? e.Message}";
            }

            _state = _state with { Pending = _state.Pending.Where(p => p.Version != pending.Version).ToList(), LastDecision = outcome };
        }
    }
}
