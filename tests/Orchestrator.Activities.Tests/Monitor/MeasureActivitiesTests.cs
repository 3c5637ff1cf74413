using Microsoft.Extensions.Options;
using Orchestrator.Activities.Evaluate;
using Orchestrator.Activities.Monitor;
using Orchestrator.Activities.Tests.Evaluate;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Contracts;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Policies;
using Orchestrator.Operations.Serving;
using Orchestrator.Ml.Monitoring;
using Orchestrator.Testing;
using Orchestrator.Workflows.Monitor;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Monitor;

/// <summary>
/// The health check against a really trained, exported and evaluated model (its training reference stored
/// by the evaluation) on real PostgreSQL and Azurite. The model is trained once for the class; every test
/// logs its traffic in its own hour, so the windows never overlap.
/// </summary>
public sealed class MeasureActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private static readonly PolicyCatalog Catalog = new(Options.Create(new PolicyCatalogOptions()));
    private static readonly string Model = $"measure-{Guid.NewGuid():N}"[..20];
    private static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static (int Version, byte[] Onnx)? _trained;
    private PredictionLog? _log;

    private static string PolicyDigest => Catalog.Find(new PolicyRef("default", 1))!.Digest;

    private PredictionLog Log => _log ??= new PredictionLog(Database);

    private MeasureActivities Activities => new(Log, new MeasureReferenceCache(new BlobArtifactStore(container.Client)), Audit);

    /// <summary>Trains (800 images, one epoch), exports and evaluates (about 100 held-out images) once for the class.</summary>
    private async Task<(int Version, byte[] Onnx)> TrainedAsync()
    {
        await Once.WaitAsync(Token);
        try
        {
            if (_trained is null)
            {
                var stages = new ModelStages(new BlobArtifactStore(container.Client), Audit, Catalog);
                var (dataset, labels) = await stages.LabelledAsync("measure-run", count: 1000);
                var trained = await stages.TrainAsync("measure-run", dataset, labels, seed: 3);
                var onnx = await stages.ExportAsync("measure-run", Model, dataset, trained);
                await ModelStages.Env("evaluate-measure-run", "evaluate").RunAsync(() => new EvaluateActivities(stages.Store, Audit, Catalog)
                    .EvaluateAsync(new("measure-run", Model, dataset, labels, onnx, trained, PolicyDigest)));
                _trained = (onnx.Version!.Value, await stages.Store.GetAsync(onnx.OnnxDigest, Token));
            }

            return _trained.Value;
        }
        finally
        {
            Once.Release();
        }
    }

    private static IMeasureActivities.Input Input(string model, int version, int hour, string key) =>
        new(model, version, Epoch.AddHours(hour), Epoch.AddHours(hour + 1), DriftTermsDefaults.Value, PolicyDigest, key);

    private Task<HealthReport> MeasureAsync(IMeasureActivities.Input input, int attempt = 1) =>
        Activity("monitor-run", $"measure-{input.IdempotencyKey}", attempt).RunAsync(() => Activities.MeasureAsync(input));

    private async Task<IReadOnlyList<object>> ModelEventsAsync(string model)
    {
        var all = new List<object>();
        for (var from = 1L; ;)
        {
            var page = await Ledger.ReadStreamAsync(AuditStreams.Model(model), from, 500, Token);
            all.AddRange(page.Select(e => e.Data));
            if (page.Count < 500)
            {
                return all;
            }

            from = page[^1].Version + 1;
        }
    }

    private static void Print(string title, HealthReport report) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"{title}: " + string.Join("; ", report.Statistics.Select(s => $"{s.Name}={s.Value:0.####} (threshold {s.Threshold:0.####}{(s.PValue is { } p ? $", p {p:G3}" : "")}{(s.Breached ? ", BREACHED" : "")})")));

    [Fact]
    public async Task Measure_NonDriftedTraffic_BreachesNothingAndRecordsEachStatistic()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(1), 300, seed: 101, drift: 0);
        var before = (await ModelEventsAsync(Model)).Count;

        var report = await MeasureAsync(Input(Model, version, 1, "clean"));

        Print("non-drifted", report);
        (report.Samples, report.Feedback, report.ServingStopped).ShouldBe((300, 0, false));
        report.Statistics.Select(s => s.Name).ShouldBe(["psi:channel-r", "psi:channel-g", "psi:channel-b", "psi:confidence", "ks:confidence", "psi:predicted-class", "error-rate", "latency-p95-ms"]);
        report.Statistics.ShouldAllBe(s => !s.Breached);
        var recorded = (await ModelEventsAsync(Model)).Skip(before).ToList();
        recorded.OfType<DriftMeasured>().Select(m => (m.Statistic, m.Value, m.SampleCount, m.PValue)).ShouldBe(report.Statistics.Select(s => (s.Name, s.Value, 300, s.PValue)));
        report.Statistics.Where(s => s.Name.StartsWith("psi:", StringComparison.Ordinal)).ShouldAllBe(s => s.PValue != null);
        recorded.OfType<DriftDetected>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Measure_DriftedTraffic_DetectsInputDrift()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(2), 300, seed: 102, drift: 0.8);
        var before = (await ModelEventsAsync(Model)).Count;

        var report = await MeasureAsync(Input(Model, version, 2, "drifted"));

        Print("drifted", report);
        var breached = report.Statistics.Where(s => s.Breached).Select(s => s.Name).ToList();
        breached.ShouldContain("psi:channel-r");
        breached.ShouldContain("psi:channel-g");
        var detected = (await ModelEventsAsync(Model)).Skip(before).OfType<DriftDetected>().ToList();
        detected.Select(d => d.Statistic).ShouldBe(breached);
        detected.ShouldAllBe(d => d.Version == version && d.Value > d.Threshold);
    }

    [Fact]
    public async Task Measure_FeedbackWithKnownCorrectness_ReportsExactAccuracyBelowMinimumAsBreached()
    {
        var (version, onnx) = await TrainedAsync();
        var logged = await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(3), 240, seed: 103, drift: 0);
        for (var i = 0; i < 60; i++)
        {
            // 45 reviewers agree with the model, 15 name another class: 75% online accuracy.
            var label = i < 45 ? logged[i].Predicted : logged[i].Predicted == "circle" ? "square" : "circle";
            await Log.FeedbackAsync(logged[i].Id, label, "reviewer", Epoch.AddHours(3).AddMinutes(30), Token);
        }

        var report = await MeasureAsync(Input(Model, version, 3, "feedback"));

        Print("feedback", report);
        report.Feedback.ShouldBe(60);
        var accuracy = report.Statistics.Single(s => s.Name == "online-accuracy");
        (accuracy.Value, accuracy.Threshold, accuracy.Breached).ShouldBe((0.75, 0.85, true));
        (await ModelEventsAsync(Model)).OfType<DriftDetected>().ShouldContain(d => d.Statistic == "online-accuracy" && d.Value == 0.75);
    }

    [Fact]
    public async Task Measure_SameKeyTwice_RecordsOneSetOfEvents()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(4), 250, seed: 104, drift: 0.8);
        var before = (await ModelEventsAsync(Model)).Count;

        var first = await MeasureAsync(Input(Model, version, 4, "twice"));
        var afterFirst = (await ModelEventsAsync(Model)).Count;
        var second = await MeasureAsync(Input(Model, version, 4, "twice"), attempt: 2);

        second.ShouldBeEquivalentTo(first);
        afterFirst.ShouldBe(before + first.Statistics.Count + first.Statistics.Count(s => s.Breached));
        (await ModelEventsAsync(Model)).Count.ShouldBe(afterFirst);
    }

    [Fact]
    public async Task Measure_KeyReusedForLaterWindow_RecordsBothChecks()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(8), 30, seed: 108, drift: 0);
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(9), 30, seed: 109, drift: 0);
        var before = (await ModelEventsAsync(Model)).OfType<DriftMeasured>().Count();

        var first = await MeasureAsync(Input(Model, version, 8, "reused"));
        var later = await MeasureAsync(Input(Model, version, 9, "reused"));

        (first.Samples, later.Samples).ShouldBe((30, 30));
        (await ModelEventsAsync(Model)).OfType<DriftMeasured>().Count().ShouldBe(before + first.Statistics.Count + later.Statistics.Count);
    }

    [Fact]
    public async Task Measure_FewerThanMinSamples_BreachesNothing()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(5), 120, seed: 105, drift: 0.8);

        var report = await MeasureAsync(Input(Model, version, 5, "few"));

        report.Samples.ShouldBe(120);
        report.Statistics.Single(s => s.Name == "psi:channel-r").Value.ShouldBeGreaterThan(DriftTermsDefaults.Value.MaxPsi);
        report.Statistics.ShouldAllBe(s => !s.Breached);
    }

    [Fact]
    public async Task Measure_TooLittleTrafficForLongerThanThePolicyAllows_RecordsModelNotJudgedOncePerPeriod()
    {
        var (version, onnx) = await TrainedAsync();
        // 37 predictions in each of hours 30-33: the default terms need 200 and allow 3 unjudged hourly intervals.
        for (var hour = 30; hour < 34; hour++)
        {
            await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(hour), 37, seed: 300 + hour, drift: 0);
        }

        var since = Epoch.AddHours(30);
        var withinLimit = await MeasureAsync(Input(Model, version, 30, "quiet-3") with { To = Epoch.AddHours(33), UnjudgedSince = since });
        var notJudgedBefore = (await ModelEventsAsync(Model)).OfType<ModelNotJudged>().Count();
        var beyond = await MeasureAsync(Input(Model, version, 30, "quiet-4") with { To = Epoch.AddHours(34), UnjudgedSince = since });
        await MeasureAsync(Input(Model, version, 30, "quiet-4b") with { To = Epoch.AddHours(34), UnjudgedSince = since });

        withinLimit.Samples.ShouldBe(111);
        beyond.Samples.ShouldBe(148);
        var recorded = (await ModelEventsAsync(Model)).OfType<ModelNotJudged>().ToList();
        recorded.Count.ShouldBe(notJudgedBefore + 1);
        recorded[^1].ShouldBe(new ModelNotJudged(version, since, 148, 200, 0, 50));
    }

    [Fact]
    public async Task Measure_ServingStopped_MeasuresAndRecordsNothing()
    {
        var model = $"stopped-{Guid.NewGuid():N}"[..20];
        var context = new AuditContext(Actor.Service("test", "test"), new Correlation("seed", "seed"), null, []);
        await Ledger.AppendAsync(AuditStreams.Model(model), new ModelExported(1, "run-1", Digest.FromHex(new string('d', 64)).ToString(), Digest.FromHex(new string('a', 64)).ToString(), "blob://m", 0), context, $"{model}/e", Token);
        await Ledger.AppendAsync(AuditStreams.Model(model), new ModelServingStopped("bad answers reported"), context, $"{model}/s", Token);

        var report = await MeasureAsync(Input(model, 1, 6, "stopped"));

        (report.ServingStopped, report.Samples, report.Statistics.Count).ShouldBe((true, 0, 0));
        (await ModelEventsAsync(model)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Measure_UnknownVersion_FailsNonRetryable()
    {
        var (version, _) = await TrainedAsync();

        var failure = await Should.ThrowAsync<ApplicationFailureException>(() => MeasureAsync(Input(Model, version + 5, 7, "unknown")));

        (failure.ErrorType, failure.NonRetryable).ShouldBe(("NotFound", true));
    }

    [Fact]
    public async Task Measure_ModelAnsweringNaN_CompletesAndRecordsTheProblem()
    {
        var (version, onnx) = await TrainedAsync();
        await MeasureTraffic.LogAsync(Log, onnx, Model, version, Epoch.AddHours(20), 300, seed: 120, drift: 0);
        await Log.AppendAsync([.. Enumerable.Range(0, 5).Select(i => new PredictionRecord(Guid.NewGuid(), Model, version, "production", Epoch.AddHours(20).AddMinutes(30 + i), 5, true,
            "circle", double.NaN, [0.4, 0.5, 0.6]))], Token);

        var report = await MeasureAsync(Input(Model, version, 20, "nan"));

        Print("nan", report);
        var nonFinite = report.Statistics.Single(s => s.Name == HealthComparison.NonFiniteConfidences);
        (nonFinite.Value, nonFinite.Breached).ShouldBe((5, true));
        var events = await ModelEventsAsync(Model);
        events.OfType<DriftMeasured>().ShouldContain(m => m.Statistic == HealthComparison.NonFiniteConfidences && m.Value == 5);
        events.OfType<DriftDetected>().ShouldContain(m => m.Statistic == HealthComparison.NonFiniteConfidences);
    }
}
