namespace Orchestrator.Ml.Annotation;

/// <summary>Dawid-Skene estimates.</summary>
/// <param name="Labels">Most probable true label per item (ties to the earliest class).</param>
/// <param name="Posteriors">P(true class | all labels) per item, [item][class].</param>
/// <param name="ConfusionMatrices">Per annotator, P(says l | true k) as [annotator][k][l].</param>
/// <param name="ClassPriors">Estimated class frequencies.</param>
/// <param name="Iterations">EM iterations run.</param>
/// <param name="Converged">False when the iteration limit stopped EM first.</param>
/// <param name="LogLikelihood">Marginal log-likelihood of the labels at the end.</param>
public sealed record DawidSkeneResult(
    IReadOnlyList<ConsensusLabel> Labels,
    double[][] Posteriors,
    double[][][] ConfusionMatrices,
    double[] ClassPriors,
    int Iterations,
    bool Converged,
    double LogLikelihood);

/// <summary>
/// Dawid and Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
/// algorithm": each annotator has a confusion matrix; EM alternates between the true-label posteriors
/// (E) and the class priors and confusion matrices (M), starting from the vote shares. Unlike a vote it
/// learns that an annotator is unreliable, or systematically confuses two classes, and discounts them.
/// </summary>
public static class DawidSkene
{
    /// <summary>
    /// The default bound on EM iterations for <paramref name="set"/>: EM converges linearly, and more slowly the more
    /// items sit between classes, so the bound grows with the items (1,000 plus 5 per item, at most 50,000). The old
    /// fixed 200 left 9 of 24 simulated scenarios unconverged with posteriors far from the fixed point.
    /// </summary>
    public static int IterationBound(AnnotationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return (int)Math.Min(50_000, 1_000 + (5L * set.Items.Count));
    }

    /// <param name="set">The labels.</param>
    /// <param name="maxIterations">Upper bound on EM iterations (at least 1; null: <see cref="IterationBound"/>). A result that hit it has <see cref="DawidSkeneResult.Converged"/> false and is not evidence.</param>
    /// <param name="tolerance">Stop when no posterior moves by more than this (finite, 0 or more).</param>
    /// <param name="smoothing">Pseudo-count added to every confusion cell and prior, so that a class an
    /// annotator never used does not get probability exactly zero (which would veto it forever). Must be
    /// positive and finite: at 0 a class nobody chose has a confusion row of 0 / 0 and every posterior is NaN.</param>
    public static DawidSkeneResult Estimate(AnnotationSet set, int? maxIterations = null, double tolerance = 1e-7, double smoothing = 0.01)
    {
        ArgumentNullException.ThrowIfNull(set);
        var bound = maxIterations ?? IterationBound(set);
        if (bound < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIterations), bound, "DawidSkene.Estimate: maxIterations must be at least 1.");
        }

        if (!(double.IsFinite(tolerance) && tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"DawidSkene.Estimate: tolerance is {InputChecks.Describe(tolerance)}; it must be a finite number, 0 or more.");
        }

        if (!(double.IsFinite(smoothing) && smoothing > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing,
                $"DawidSkene.Estimate: smoothing must be a positive number (got {InputChecks.Describe(smoothing)}); at 0 a class nobody chose gets probability 0 / 0 and every posterior becomes NaN.");
        }

        int items = set.Items.Count, classes = set.Classes.Count, annotators = set.Annotators.Count;
        var posteriors = new double[items][];
        for (var i = 0; i < items; i++)
        {
            var votes = set.Votes(i);
            var total = Math.Max(1, votes.Sum());
            posteriors[i] = [.. votes.Select(v => v / (double)total)];
        }

        var priors = new double[classes];
        var confusion = NewConfusion(annotators, classes);
        var iterations = 0;
        var converged = false;
        var logLikelihood = double.NegativeInfinity;
        while (iterations < bound && !converged)
        {
            iterations++;
            MaximisationStep(set, posteriors, priors, confusion, smoothing);
            (var change, logLikelihood) = ExpectationStep(set, posteriors, priors, confusion);
            converged = change < tolerance;
        }

        var labels = new ConsensusLabel[items];
        for (var i = 0; i < items; i++)
        {
            if (!posteriors[i].All(double.IsFinite))
            {
                // Never pick "the first class" out of NaNs: that would be a label nobody chose.
                throw new InvalidOperationException($"DawidSkene.Estimate: EM gave item '{set.Items[i]}' non-finite posteriors; the labels cannot be estimated.");
            }

            var best = Array.IndexOf(posteriors[i], posteriors[i].Max());
            var tied = posteriors[i].Count(p => Math.Abs(p - posteriors[i][best]) < 1e-12) > 1;
            labels[i] = new ConsensusLabel(set.Items[i], set.Classes[best], posteriors[i][best], set.ByItem[i].Count, tied);
        }

        return new DawidSkeneResult(labels, posteriors, confusion, priors, iterations, converged, logLikelihood);
    }

    private static void MaximisationStep(AnnotationSet set, double[][] posteriors, double[] priors, double[][][] confusion, double smoothing)
    {
        var classes = priors.Length;
        for (var k = 0; k < classes; k++)
        {
            priors[k] = (posteriors.Sum(p => p[k]) + smoothing) / (posteriors.Length + (classes * smoothing));
        }

        foreach (var matrix in confusion)
        {
            foreach (var row in matrix)
            {
                Array.Fill(row, smoothing);
            }
        }

        foreach (var rating in set.Ratings)
        {
            for (var k = 0; k < classes; k++)
            {
                confusion[rating.Annotator][k][rating.Label] += posteriors[rating.Item][k];
            }
        }

        foreach (var row in confusion.SelectMany(m => m))
        {
            var total = row.Sum();
            for (var l = 0; l < classes; l++)
            {
                row[l] /= total;
            }
        }
    }

    private static (double MaxChange, double LogLikelihood) ExpectationStep(AnnotationSet set, double[][] posteriors, double[] priors, double[][][] confusion)
    {
        var classes = priors.Length;
        var maxChange = 0.0;
        var logLikelihood = 0.0;
        var log = new double[classes];
        for (var i = 0; i < posteriors.Length; i++)
        {
            for (var k = 0; k < classes; k++)
            {
                log[k] = Math.Log(priors[k]);
                foreach (var rating in set.ByItem[i])
                {
                    log[k] += Math.Log(confusion[rating.Annotator][k][rating.Label]);
                }
            }

            // Log-sum-exp: dozens of annotators multiply many small probabilities.
            var max = log.Max();
            var sum = log.Sum(l => Math.Exp(l - max));
            logLikelihood += max + Math.Log(sum);
            for (var k = 0; k < classes; k++)
            {
                var updated = Math.Exp(log[k] - max) / sum;
                maxChange = Math.Max(maxChange, Math.Abs(updated - posteriors[i][k]));
                posteriors[i][k] = updated;
            }
        }

        return (maxChange, logLikelihood);
    }

    private static double[][][] NewConfusion(int annotators, int classes) =>
        [.. Enumerable.Range(0, annotators).Select(_ => Enumerable.Range(0, classes).Select(_ => new double[classes]).ToArray())];
}
