using System.Text.RegularExpressions;
using Orchestrator.Activities.Common;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Projections;
using Orchestrator.Workflows.Deploy;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Deploy;

/// <summary>
/// Registers a candidate model version in the model's stream. The version number is the next free one,
/// claimed with the idempotency key "version/{n}": the ledger's unique event ids let only one run hold a
/// number, so concurrent registrations of one model get distinct numbers and a retried (or re-run)
/// registration of the same run finds its own entry and returns the same number.
/// </summary>
public sealed partial class RegistryActivities(StageAudit audit, AuditReadModels readModels)
{
    private const int MaxClaims = 1000;

    [Activity(DeployActivities.RegisterName)]
    public async Task<ModelVersion> RegisterAsync(DeployActivities.RegisterInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!ModelName().IsMatch(input.ModelName))
        {
            throw new ApplicationFailureException($"'{input.ModelName}' is not a valid model name (letters, digits, '-', '_' or '.', at most 64).", "InvalidInput", nonRetryable: true);
        }

        var token = ActivityExecutionContext.Current.CancellationToken;
        var stream = AuditStreams.Model(input.ModelName);
        var entries = await ModelHistory.ReadAllAsync(audit.Ledger, stream, token).ConfigureAwait(false);
        var evidence = new[]
        {
            StageAudit.Evidence("onnx-model", input.Model.OnnxDigest, input.Model.OnnxUri),
            StageAudit.Evidence("dataset-manifest", input.Dataset.ManifestDigest, input.Dataset.ManifestUri),
            StageAudit.Evidence("evaluation-report", input.Evaluation.Gate.EvidenceDigest, input.Evaluation.Gate.EvidenceUri),
        };
        var version = entries.Select(e => e.Data).OfType<ModelExported>().FirstOrDefault(e => e.RunId == input.RunId)?.Version
            ?? await ClaimAsync(input, stream, entries, evidence, token).ConfigureAwait(false);

        // The evaluate stage may already have recorded the full evaluation for this version; never twice.
        if (entries.Any(e => e.Data is ModelEvaluated m && m.Version == version))
        {
            return new ModelVersion(input.ModelName, version, input.Model.OnnxDigest);
        }

        var policy = (await readModels.RunAsync(AuditStreams.Run(input.RunId), token).ConfigureAwait(false))?.PolicyVersion ?? "unknown";
        var metrics = new Dictionary<string, double> { ["accuracy"] = input.Evaluation.Accuracy, ["macro-f1"] = input.Evaluation.MacroF1 }
            .Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var evaluated = new ModelEvaluated(version, metrics, new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), new Dictionary<string, double>(), null,
            input.Evaluation.Gate.Passed ? GateVerdict.Passed : GateVerdict.Failed, policy);
        await audit.Ledger.AppendAsync(stream, evaluated, audit.Context(input.RunId, evidence), $"version/{version}/evaluated", token).ConfigureAwait(false);
        return new ModelVersion(input.ModelName, version, input.Model.OnnxDigest);
    }

    private async Task<int> ClaimAsync(DeployActivities.RegisterInput input, string stream, IReadOnlyList<LedgerEntry> entries, EvidenceDigest[] evidence, CancellationToken token)
    {
        var candidate = entries.Select(e => e.Data).OfType<ModelExported>().Select(e => e.Version).DefaultIfEmpty(0).Max() + 1;
        for (var claims = 0; claims < MaxClaims; claims++, candidate++)
        {
            var exported = new ModelExported(candidate, input.RunId, input.Dataset.ManifestDigest, input.Model.OnnxDigest, input.Model.OnnxUri, input.Model.ParityMaxAbsError);
            try
            {
                await audit.Ledger.AppendAsync(stream, exported, audit.Context(input.RunId, evidence), $"version/{candidate}", token).ConfigureAwait(false);
                return candidate;
            }
            catch (IdempotencyConflictException)
            {
                // Another run claimed this number between our read and our append: take the next one.
            }
        }

        throw new InvalidOperationException($"Could not claim a version number for model {input.ModelName} after {MaxClaims} attempts.");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ModelName();
}
