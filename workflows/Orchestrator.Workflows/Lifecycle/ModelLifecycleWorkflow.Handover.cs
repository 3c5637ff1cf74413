using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Workflows.Lifecycle;

/// <summary>The run's last step after a promotion: the model's monitor takes over the new production version.</summary>
public sealed partial class ModelLifecycleWorkflow
{
    private Task HandOverToMonitorAsync(Input input, PinnedPolicy policy, ModelVersion version, TrainedModel trained, DeploymentOutcome deployment)
    {
        // The monitor needs what a retrain starts from: this run's sources, policy and checkpoint.
        var production = new MonitoredVersion(version.Version, input.RunId, input.Dataset, input.Annotation, new PolicyRef(policy.Name, policy.Version), policy.Digest,
            policy.Terms.Drift ?? DriftTermsDefaults.Value, (policy.Terms.Retention ?? new Decommission.RetentionPolicy()).GracePeriod,
            trained.CheckpointDigest, input.Requester, input.Queues);
        var handOver = new IHandOverActivities.Input(input.ModelName, new ProductionChange(production, deployment.Superseded));
        return Bookkeep((IHandOverActivities a) => a.HandOverToMonitorAsync(handOver));
    }
}
