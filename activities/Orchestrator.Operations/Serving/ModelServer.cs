using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Projections;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Serving;

namespace Orchestrator.Operations.Serving;

/// <summary>One image's answer.</summary>
/// <param name="PredictionId">The prediction's id (feedback refers to it).</param>
/// <param name="Label">Single-label models: the most probable class. Multi-label models: the assigned label set, labels in ordinal order joined
/// with '|' (empty when no label reaches its threshold).</param>
/// <param name="Confidence">Single-label: the class's probability. Multi-label: the highest label probability.</param>
/// <param name="Probabilities">Every class's (label's) probability.</param>
/// <param name="Labels">Multi-label models: every label at or above its recorded threshold with its probability, most probable first (possibly
/// none); null for single-label models.</param>
public sealed record ImagePrediction(Guid PredictionId, string Label, double Confidence, IReadOnlyDictionary<string, double> Probabilities,
    IReadOnlyList<ImageLabel>? Labels = null);

/// <summary>A label a multi-label model assigned to an image (its probability reached the label's recorded threshold).</summary>
public sealed record ImageLabel(string Label, double Probability);

/// <summary>
/// What serving answered: the route decision and, when served, the predictions; <paramref name="Error"/> when
/// inference failed, with <paramref name="InvalidOutput"/> when it ran but answered NaN or infinity.
/// </summary>
public sealed record ServeResult(RouteDecision Decision, IReadOnlyList<ImagePrediction> Predictions, string? Error = null, bool InvalidOutput = false)
{
    public bool Served => Decision.Kind == RouteKind.Serve && Error is null;
}

/// <summary>
/// The in-process predictor behind the predict endpoints: routes by the registry (emergency stop,
/// decommission, canary split), runs the cached ONNX Runtime session of the chosen version and logs a
/// sample of the predictions. Requests the router refuses are never logged.
/// </summary>
public sealed partial class ModelServer(AuditReadModels registry, PredictorCache predictors, PredictionLog log, IOptions<ServingOptions> options, TimeProvider time, ILogger<ModelServer> logger)
{
    /// <summary>Predicts <paramref name="images"/> with model <paramref name="model"/> (its production alias, or <paramref name="version"/> when given).</summary>
    public async Task<ServeResult> PredictAsync(string model, int? version, IReadOnlyList<RgbImage> images, IReadOnlyList<byte[]>? encoded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var decision = await RouteAsync(model, version, cancellationToken).ConfigureAwait(false);
        return await ServeAsync(model, decision, images, encoded, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Where a request for <paramref name="model"/> (its production alias, or <paramref name="version"/>) goes, decided
    /// before its body is read: a refused route costs one registry read, never a decode.
    /// </summary>
    public async Task<RouteDecision> RouteAsync(string model, int? version, CancellationToken cancellationToken)
    {
        var entry = await registry.ModelAsync(AuditStreams.Model(model), cancellationToken).ConfigureAwait(false);
#pragma warning disable CA5394 // The canary split needs a uniform draw, not an unpredictable one.
        return ModelRouter.Resolve(entry, model, version, Random.Shared.NextDouble());
#pragma warning restore CA5394
    }

    /// <summary>Predicts <paramref name="images"/> with the version <paramref name="decision"/> (from <see cref="RouteAsync"/>) chose.</summary>
    public async Task<ServeResult> ServeAsync(string model, RouteDecision decision, IReadOnlyList<RgbImage> images, IReadOnlyList<byte[]>? encoded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(images);
        if (decision is not { Kind: RouteKind.Serve, Version: { } served })
        {
            return new ServeResult(decision, []);
        }

        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        float[] probabilities;
        OnnxPredictor predictor;
        try
        {
            predictor = await predictors.GetAsync(served.OnnxDigest, cancellationToken).ConfigureAwait(false);
            probabilities = predictor.Predict(images, predictor.Task);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A version that cannot load or run is an error the canary check and the monitor must see.
            LogInferenceFailed(logger, e, model, served.Version);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            await log.AppendAsync([.. images.Select(_ => new PredictionRecord(Guid.NewGuid(), model, served.Version, decision.Route, at, latency, false, null, null, null, Error: e.Message))],
                cancellationToken).ConfigureAwait(false);
            return e is NonFiniteOutputException nonFinite
                ? new ServeResult(decision, [], $"Model '{model}' version {served.Version} answered NaN or infinite logits for {nonFinite.Images} of {nonFinite.Total} image(s).", InvalidOutput: true)
                : new ServeResult(decision, [], $"Model '{model}' version {served.Version} could not serve the request.");
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var classes = predictor.ClassNames;
        var results = new ImagePrediction[images.Count];
        var records = new List<PredictionRecord>(images.Count);
#pragma warning disable CA5394 // Sampling needs a uniform draw, not an unpredictable one.
        var sampled = options.Value.SampleRate >= 1 || Random.Shared.NextDouble() < options.Value.SampleRate;
#pragma warning restore CA5394
        for (var i = 0; i < images.Count; i++)
        {
            var row = probabilities.AsSpan(i * classes.Count, classes.Count);
            var best = 0;
            var map = new Dictionary<string, double>(classes.Count, StringComparer.Ordinal);
            for (var c = 0; c < classes.Count; c++)
            {
                map[classes[c]] = row[c];
                best = row[c] > row[best] ? c : best;
            }

            // A multi-label model answers the labels at or above their recorded thresholds (read from its ONNX file), possibly none.
            var assigned = predictor.Thresholds is { } thresholds
                ? LabelSetAnswer.Select(row, classes, thresholds).Select(a => new ImageLabel(a.Label, a.Probability)).ToList()
                : null;
            var label = assigned is null ? classes[best] : string.Join('|', assigned.Select(a => a.Label).Order(StringComparer.Ordinal));
            results[i] = new ImagePrediction(Guid.CreateVersion7(at), label, row[best], map, assigned);
            if (sampled)
            {
                records.Add(new PredictionRecord(results[i].PredictionId, model, served.Version, decision.Route, at, elapsed, true, label, row[best],
                    OnnxPredictor.ChannelMeans(images[i]), options.Value.StoreImages ? encoded?[i] : null));
            }
        }

        await log.AppendAsync(records, cancellationToken).ConfigureAwait(false);
        return new ServeResult(decision, results);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference failed for {Model} v{Version}")]
    private static partial void LogInferenceFailed(ILogger logger, Exception exception, string model, int version);
}
