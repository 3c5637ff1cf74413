using System.Text.RegularExpressions;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Projections;
using Orchestrator.Operations.Models;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// Registers a candidate model version in the model's stream: the version the run's export claimed (or, for
/// runs whose export recorded none, the next free number, <see cref="ModelOperations.ClaimVersionAsync"/>), then
/// its summary evaluation unless the evaluate stage recorded the full one. A retried (or re-run) registration of
/// the same run finds its own entries and returns the same number.
/// </summary>
public sealed partial class RegistryActivities(ModelOperations models, StageAudit audit, AuditReadModels readModels) : IRegistryActivities
{
    public async Task<ModelVersion> RegisterAsync(IRegistryActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ModelName().IsMatch(input.ModelName))
        {
            throw new ApplicationFailureException($"'{input.ModelName}' is not a valid model name (letters, digits, '-', '_' or '.', at most 64).", "InvalidInput", nonRetryable: true);
        }

        var token = ActivityExecutionContext.Current.CancellationToken;
        var context = audit.Context(input.RunId,
        [
            StageAudit.Evidence("onnx-model", input.Model.OnnxDigest, input.Model.OnnxUri),
            StageAudit.Evidence("dataset-manifest", input.Dataset.ManifestDigest, input.Dataset.ManifestUri),
            StageAudit.Evidence("evaluation-report", input.Evaluation.Gate.EvidenceDigest, input.Evaluation.Gate.EvidenceUri),
        ]);
        var claim = new ClaimVersion(input.RunId, input.Dataset.ManifestDigest, input.Model.OnnxDigest, input.Model.OnnxUri, input.Model.ParityMaxAbsError);
        var version = await models.ClaimVersionAsync(input.ModelName, claim, context, token).ConfigureAwait(false);

        var policy = (await readModels.RunAsync(AuditStreams.Run(input.RunId), token).ConfigureAwait(false))?.PolicyVersion ?? "unknown";
        // A multi-label version's summary names its figures for what they are: subset accuracy and mean average precision.
        var metrics = input.Evaluation.MeanAveragePrecision is { } map
            ? new Dictionary<string, double> { ["subset-accuracy"] = input.Evaluation.Accuracy, ["macro-f1"] = input.Evaluation.MacroF1, ["mean-average-precision"] = map }
            : new Dictionary<string, double> { ["accuracy"] = input.Evaluation.Accuracy, ["macro-f1"] = input.Evaluation.MacroF1 };
        var registration = new RecordRegistration(version, metrics, input.Evaluation.Gate.Passed, policy);
        await models.ExecuteAsync(input.ModelName, (state, now) => ModelDecider.Decide(state, registration, now), context, token).ConfigureAwait(false);
        return new ModelVersion(input.ModelName, version, input.Model.OnnxDigest);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ModelName();
}
