using Orchestrator.Ml.Data;
using Orchestrator.Ml.Serving;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Activities.Tests.Monitor;

/// <summary>Production traffic for the measurement tests: generated images run through the real ONNX model and logged as serving logs them.</summary>
internal static class MeasureTraffic
{
    /// <summary>One logged prediction: its id (for feedback) and the answer.</summary>
    public sealed record Logged(Guid Id, string Predicted);

    /// <summary>
    /// Predicts <paramref name="count"/> synthetic images (seed <paramref name="seed"/>, the generator's
    /// <paramref name="drift"/>) with <paramref name="onnx"/> and logs them for version <paramref name="version"/>,
    /// one every 10 ms from <paramref name="start"/>.
    /// </summary>
    public static async Task<IReadOnlyList<Logged>> LogAsync(PredictionLog log, byte[] onnx, string model, int version, DateTimeOffset start, int count, long seed, double drift)
    {
        using var predictor = new OnnxPredictor(onnx);
        var images = new SyntheticShapes(new SyntheticShapesOptions(seed, count, Drift: drift)).Generate().Select(i => i.Image).ToArray();
        var classes = predictor.ClassNames;
        var records = new List<PredictionRecord>(count);
        foreach (var chunk in images.Chunk(64))
        {
            var probabilities = predictor.Predict(chunk);
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = probabilities.AsSpan(i * classes.Count, classes.Count);
                var best = 0;
                for (var c = 1; c < classes.Count; c++)
                {
                    best = row[c] > row[best] ? c : best;
                }

                records.Add(new PredictionRecord(Guid.NewGuid(), model, version, "production", start.AddMilliseconds(10 * records.Count), 4 + (records.Count % 5), true,
                    classes[best], row[best], OnnxPredictor.ChannelMeans(chunk[i])));
            }
        }

        await log.AppendAsync(records, TestContext.Current.CancellationToken);
        return [.. records.Select(r => new Logged(r.Id, r.PredictedLabel!))];
    }
}
