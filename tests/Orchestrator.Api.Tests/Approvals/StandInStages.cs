using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Annotate;
using Orchestrator.Workflows.Deploy;
using Orchestrator.Workflows.Evaluate;
using Orchestrator.Workflows.Lifecycle;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.QualityControl;
using Orchestrator.Workflows.Train;

namespace Orchestrator.Api.Tests.Approvals;

/// <summary>
/// Stand-ins for the ML stages (acquire to deploy), so a run reaches its approval stage in a second through the
/// real workflow, the real policy pinning and the real run-ledger activities (which write the ledger the API reads).
/// </summary>
public sealed class StandInStages : IAcquireActivities, IAnnotateActivities, IQualityControlActivities, ITrainActivities, IExportActivities,
    IEvaluateActivities, IRegistryActivities, IDeployActivities, IHandOverActivities
{
    private const string Hex = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

    public Task<DatasetVersion> AcquireAsync(IAcquireActivities.Input input) => Task.FromResult(new DatasetVersion(Hex, "blob://manifest", 400, ["circle", "square"], 0));

    public Task<LabelSet> AnnotateAsync(IAnnotateActivities.Input input) => Task.FromResult(new LabelSet(Hex, "blob://labels", ["ann-1", "ann-2", "ann-3"], 1200, 4));

    /// <summary>The human gold audit each run's QC stage was given (null: none), by run id.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, GoldAuditSubmission?> QcAudits { get; } = new();

    public Task<GateOutcome> EvaluateAsync(IQualityControlActivities.Input input)
    {
        QcAudits[input.RunId] = input.HumanAudit;
        return Task.FromResult(new GateOutcome(true, [], Hex, "blob://qc"));
    }

    public Task<TrainedModel> TrainAsync(ITrainActivities.Input input) => Task.FromResult(new TrainedModel(Hex, "blob://checkpoint", "resnet-small", 3, 0.95, "cpu"));

    public Task<OnnxModel> ExportAsync(IExportActivities.Input input) => Task.FromResult(new OnnxModel(Hex, "blob://onnx", 1e-6));

    public Task<Evaluation> EvaluateAsync(IEvaluateActivities.Input input) => Task.FromResult(new Evaluation(new GateOutcome(true, [], Hex, "blob://report"), 0.95, 0.94));

    public Task<ModelVersion> RegisterAsync(IRegistryActivities.Input input) => Task.FromResult(new ModelVersion(input.ModelName, 1, input.Model.OnnxDigest));

    /// <summary>What the workflow asked to deploy, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<IDeployActivities.Input> DeployInputs { get; } = new();

    public Task<DeploymentOutcome> DeployAsync(IDeployActivities.Input input)
    {
        DeployInputs.Enqueue(input);
        return Task.FromResult(new DeploymentOutcome(true, "canary healthy", null));
    }

    public Task HandOverToMonitorAsync(IHandOverActivities.Input input) => Task.CompletedTask;
}
