using Orchestrator.Ml.Monitoring;

namespace Orchestrator.Ml.Tests.Monitoring;

public sealed class HealthComparisonTests
{
    private static readonly HealthLimits Limits = new(MinSamples: 100, MaxPsi: 0.25, KsAlpha: 0.01, MinOnlineAccuracy: 0.85, MinFeedback: 20, MaxErrorRate: 0.05);

    /// <summary>400 reference images: channel means and confidences spread evenly, classes balanced.</summary>
    private static TrainingReference Reference()
    {
        var means = Enumerable.Range(0, 400).Select(i => (IReadOnlyList<double>)[0.2 + (0.6 * i / 400), 0.5, 0.4 + (0.2 * i / 400)]).ToArray();
        var probabilities = Enumerable.Range(0, 400).SelectMany(i => i % 2 == 0 ? new[] { 0.6f + (0.4f * i / 400), 0.4f - (0.4f * i / 400) } : [0.4f - (0.4f * i / 400), 0.6f + (0.4f * i / 400)]).ToArray();
        return TrainingReference.Build(means, probabilities, ["circle", "square"]);
    }

    /// <summary>A window of <paramref name="count"/> predictions drawn like the reference, shifted by <paramref name="darker"/> and <paramref name="lessSure"/>.</summary>
    private static ObservedWindow Window(int count, double darker = 0, double lessSure = 0, int errors = 0, int labelled = 0, int correct = 0, double squareShare = 0.5)
    {
        var means = Enumerable.Range(0, count).Select(i => (IReadOnlyList<double>)[0.2 + (0.6 * ((i * 7919) % count) / count) - darker, 0.5 - darker, 0.4 + (0.2 * ((i * 7919) % count) / count) - darker]).ToArray();
        var confidences = Enumerable.Range(0, count).Select(i => 0.6 + (0.4 * ((i * 104729) % count) / count) - lessSure).ToArray();
        var squares = (int)Math.Round(count * squareShare);
        return new ObservedWindow(count + errors, errors, 12.5, confidences, means,
            new Dictionary<string, int> { ["circle"] = count - squares, ["square"] = squares }, labelled, correct);
    }

    private static MeasuredStatistic Named(IReadOnlyList<MeasuredStatistic> statistics, string name) => statistics.Single(s => s.Name == name);

    [Fact]
    public void Compare_WindowLikeReference_BreachesNothing()
    {
        var statistics = HealthComparison.Compare(Reference(), Window(300), Limits);

        statistics.Select(s => s.Name).ShouldBe(["psi:channel-r", "psi:channel-g", "psi:channel-b", "psi:confidence", "ks:confidence", "psi:predicted-class", "error-rate", "latency-p95-ms"]);
        statistics.ShouldAllBe(s => !s.Breached);
        Named(statistics, "psi:channel-r").Value.ShouldBeLessThan(0.05);
        Named(statistics, "ks:confidence").Threshold.ShouldBe(Orchestrator.Ml.Monitoring.DriftStatistics.KolmogorovSmirnovCritical(400, 300, 0.01), 1e-12);
    }

    [Fact]
    public void Compare_DarkerAndLessSureWindow_BreachesChannelAndConfidenceStatistics()
    {
        var statistics = HealthComparison.Compare(Reference(), Window(300, darker: 0.2, lessSure: 0.15), Limits);

        Named(statistics, "psi:channel-r").Breached.ShouldBeTrue();
        Named(statistics, "psi:channel-g").Breached.ShouldBeTrue();
        Named(statistics, "ks:confidence").Breached.ShouldBeTrue();
        Named(statistics, "psi:predicted-class").Breached.ShouldBeFalse();
    }

    [Fact]
    public void Compare_ClassShiftWithinSamplingNoise_IsReportedButNotBreached()
    {
        // The same shift (a quarter squares instead of half: PSI 0.275) on 20 and on 300 predictions.
        var limits = Limits with { MinSamples = 20 };
        var small = Named(HealthComparison.Compare(Reference(), Window(20, squareShare: 0.25), limits), "psi:predicted-class");
        var large = Named(HealthComparison.Compare(Reference(), Window(300, squareShare: 0.25), limits), "psi:predicted-class");

        small.Value.ShouldBeGreaterThan(limits.MaxPsi);
        small.PValue.ShouldNotBeNull().ShouldBeGreaterThan(limits.ShiftSignificance);
        small.Breached.ShouldBeFalse();
        large.Value.ShouldBe(small.Value, 1e-9);
        large.PValue.ShouldNotBeNull().ShouldBeLessThan(1e-6);
        large.Breached.ShouldBeTrue();
    }

    [Fact]
    public void Compare_FewerThanMinSamples_ReportsValuesButBreachesNothing()
    {
        var statistics = HealthComparison.Compare(Reference(), Window(50, darker: 0.3, errors: 40), Limits);

        Named(statistics, "psi:channel-r").Value.ShouldBeGreaterThan(Limits.MaxPsi);
        Named(statistics, "error-rate").Value.ShouldBe(40 / 90.0, 1e-12);
        statistics.ShouldAllBe(s => !s.Breached);
    }

    [Fact]
    public void Compare_EnoughFeedbackBelowMinimum_ReportsExactAccuracyBreached()
    {
        var accuracy = Named(HealthComparison.Compare(Reference(), Window(300, labelled: 40, correct: 30), Limits), "online-accuracy");

        accuracy.Value.ShouldBe(0.75, 1e-12);
        accuracy.Threshold.ShouldBe(0.85);
        accuracy.Breached.ShouldBeTrue();
    }

    [Fact]
    public void Compare_TooLittleFeedback_LeavesAccuracyOut() =>
        HealthComparison.Compare(Reference(), Window(300, labelled: 19, correct: 0), Limits).ShouldNotContain(s => s.Name == "online-accuracy");

    [Fact]
    public void Compare_ErrorsAboveMaximum_BreachesErrorRate()
    {
        var errorRate = Named(HealthComparison.Compare(Reference(), Window(300, errors: 30), Limits), "error-rate");

        errorRate.Value.ShouldBe(30 / 330.0, 1e-12);
        errorRate.Breached.ShouldBeTrue();
    }

    [Fact]
    public void Compare_ClassMixShifted_BreachesClassPsi() =>
        Named(HealthComparison.Compare(Reference(), Window(300, squareShare: 0.95), Limits), "psi:predicted-class").Breached.ShouldBeTrue();

    [Fact]
    public void Compare_NoReference_ReportsOnlyServingStatistics() =>
        HealthComparison.Compare(null, Window(300), Limits).Select(s => s.Name).ShouldBe(["error-rate", "latency-p95-ms"]);

    [Fact]
    public void Compare_NoTraffic_ReportsNothing() =>
        HealthComparison.Compare(Reference(), new ObservedWindow(0, 0, 0, [], [], new Dictionary<string, int>(), 0, 0), Limits).ShouldBeEmpty();

    /// <summary><paramref name="window"/> with the confidences at <paramref name="indices"/> replaced by <paramref name="value"/>.</summary>
    private static ObservedWindow WithConfidence(ObservedWindow window, double value, params int[] indices) =>
        window with { Confidences = [.. window.Confidences.Select((c, i) => indices.Contains(i) ? value : c)] };

    [Fact]
    public async Task Compare_NaNConfidence_CompletesAndFailsTheConfidenceStatistics()
    {
        // One NaN confidence in the prediction log used to hang the monitor's measure activity inside KS.
        var window = WithConfidence(Window(300), double.NaN, 17);

        var statistics = await Bounded.Run(() => HealthComparison.Compare(Reference(), window, Limits));

        var nonFinite = Named(statistics, HealthComparison.NonFiniteConfidences);
        nonFinite.Value.ShouldBe(1);
        nonFinite.Breached.ShouldBeTrue();
        nonFinite.Reason.ShouldBe("non-finite model outputs: 1 of 300 confidences");
        foreach (var name in new[] { "psi:confidence", "ks:confidence" })
        {
            Named(statistics, name).Breached.ShouldBeTrue(name);
            Named(statistics, name).Reason.ShouldBe("non-finite model outputs: 1 of 300 confidences", name);
        }

        // The inputs are fine and are judged as before; no value is ever NaN.
        Named(statistics, "psi:channel-r").Breached.ShouldBeFalse();
        Named(statistics, "psi:channel-r").Reason.ShouldBeNull();
        statistics.ShouldAllBe(s => double.IsFinite(s.Value));
    }

    [Fact]
    public async Task Compare_ConfidencesAllInfiniteOrNaN_ReportsTheCountAndNoConfidenceDrift()
    {
        var window = WithConfidence(WithConfidence(Window(300), double.PositiveInfinity, [.. Enumerable.Range(0, 150)]), double.NaN, [.. Enumerable.Range(150, 150)]);

        var statistics = await Bounded.Run(() => HealthComparison.Compare(Reference(), window, Limits));

        Named(statistics, HealthComparison.NonFiniteConfidences).Value.ShouldBe(300);
        Named(statistics, HealthComparison.NonFiniteConfidences).Breached.ShouldBeTrue();
        statistics.ShouldNotContain(s => s.Name == "psi:confidence" || s.Name == "ks:confidence");
        statistics.ShouldAllBe(s => double.IsFinite(s.Value) && double.IsFinite(s.Threshold));
    }

    [Fact]
    public void Compare_NaNConfidenceInAWindowBelowMinSamples_IsStillBreached()
    {
        // A small window is noise for drift, but a model that answers NaN is broken at any sample size.
        var statistics = HealthComparison.Compare(Reference(), WithConfidence(Window(50), double.NaN, 0), Limits);

        Named(statistics, HealthComparison.NonFiniteConfidences).Breached.ShouldBeTrue();
        Named(statistics, "psi:channel-r").Breached.ShouldBeFalse();
    }

    [Fact]
    public void Compare_NaNConfidenceWithoutReference_IsStillCountedAndBreached() =>
        Named(HealthComparison.Compare(null, WithConfidence(Window(300), double.NaN, 3), Limits), HealthComparison.NonFiniteConfidences).Breached.ShouldBeTrue();

    [Fact]
    public void Compare_MalformedWindow_SaysWhatIsWrong()
    {
        var window = Window(300);

        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { ChannelMeans = window.ChannelMeans.Take(299).ToArray() }, Limits))
            .Message.ShouldContain("300 confidences but 299 channel means");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { ChannelMeans = [.. window.ChannelMeans.Select((m, i) => i == 4 ? (IReadOnlyList<double>)[0.1, 0.2] : m)] }, Limits))
            .Message.ShouldContain("channel means of sample 4");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { ChannelMeans = [.. window.ChannelMeans.Select((m, i) => i == 2 ? (IReadOnlyList<double>)[0.1, double.NaN, 0.3] : m)] }, Limits))
            .Message.ShouldContain("channel means of sample 2");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { Errors = 301 }, Limits)).Message.ShouldContain("errors");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { Requests = -1 }, Limits));
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { Labelled = 5, Correct = 6 }, Limits)).Message.ShouldContain("correct");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { P95LatencyMs = double.NaN }, Limits)).Message.ShouldContain("latency");
        Should.Throw<ArgumentException>(() => HealthComparison.Compare(Reference(), window with { ClassCounts = new Dictionary<string, int> { ["circle"] = -2 } }, Limits))
            .Message.ShouldContain("circle");
    }

    [Fact]
    public void Compare_LimitsThatCouldNeverBreach_AreRefused()
    {
        // A NaN bound compares false with every value: the check would pass on anything.
        Should.Throw<ArgumentOutOfRangeException>(() => HealthComparison.Compare(Reference(), Window(300), Limits with { MaxPsi = double.NaN })).Message.ShouldContain("MaxPsi is NaN");
        Should.Throw<ArgumentOutOfRangeException>(() => HealthComparison.Compare(Reference(), Window(300), Limits with { KsAlpha = 0 })).Message.ShouldContain("KsAlpha");
        Should.Throw<ArgumentOutOfRangeException>(() => HealthComparison.Compare(Reference(), Window(300), Limits with { MaxErrorRate = 2 })).Message.ShouldContain("MaxErrorRate");
        Should.Throw<ArgumentOutOfRangeException>(() => HealthComparison.Compare(null, Window(300), Limits with { MinOnlineAccuracy = double.NaN }));
    }
}
