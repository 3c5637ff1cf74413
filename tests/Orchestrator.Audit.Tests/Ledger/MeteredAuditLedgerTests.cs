using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;

namespace Orchestrator.Audit.Tests.Ledger;

/// <summary>The meters over recorded facts: gate outcomes, canary decisions by the service, drift scores and detections.</summary>
public sealed class MeteredAuditLedgerTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measured = [];
    private readonly MeteredAuditLedger _ledger;

    public MeteredAuditLedgerTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _ledger = new MeteredAuditLedger(new RecordingLedger(), meters);
        // Only this test's meter (created by its own factory), whatever else runs in parallel.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    [Fact]
    public async Task Append_GateFacts_CountOutcomesByGate()
    {
        await AppendAsync("run-1", new QualityEvaluated(new Dictionary<string, double>(), 10, 0, 0, 0, GateVerdict.Passed, "default/v1", []));
        await AppendAsync("run-2", new QualityEvaluated(new Dictionary<string, double>(), 10, 3, 0, 0, GateVerdict.Failed, "default/v1", ["audit failures"]));
        await AppendAsync("model-shapes", new ModelEvaluated(2, new Dictionary<string, double>(), new Dictionary<string, IReadOnlyDictionary<string, double>>(),
            new Dictionary<string, IReadOnlyDictionary<string, double>>(), new Dictionary<string, double>(), null, GateVerdict.Passed, "default/v1"));

        Gates().ShouldBe(["quality-control:passed", "quality-control:failed", "evaluation:passed"]);
    }

    [Fact]
    public async Task Append_CanaryDecisions_CountOnlyWhenTheServiceDecided()
    {
        await AppendAsync("model-shapes", new ModelPromoted(2, "production"));
        await AppendAsync("model-shapes", new ModelRolledBack(3, 2, "canary", "error rate 0.2 > 0.05"));
        await AppendAsync("model-shapes", new ModelPromoted(4, "production"), Actor.User("paula", "approver"));

        Gates().ShouldBe(["canary:promoted", "canary:rolled-back"]);
    }

    [Fact]
    public async Task Append_DriftFacts_RecordScoresAndDetectionsByModelAndStatistic()
    {
        await AppendAsync("model-shapes", new DriftMeasured(2, "psi:channel-r", 0.51, 0.25, 300));
        await AppendAsync("model-shapes", new DriftDetected(2, "psi:channel-r", 0.51, 0.25));
        await AppendAsync("run-1", new TrainingEpochCompleted(1, 0.5, 0.6, 0.9, new string('c', 64)));

        var score = _measured.Where(m => m.Instrument == "orchestrator.drift.score").ShouldHaveSingleItem();
        score.Value.ShouldBe(0.51);
        score.Tags["model"].ShouldBe("shapes");
        score.Tags["statistic"].ShouldBe("psi:channel-r");
        var detection = _measured.Where(m => m.Instrument == "orchestrator.drift.detections").ShouldHaveSingleItem();
        detection.Value.ShouldBe(1);
        detection.Tags["model"].ShouldBe("shapes");
        _measured.Count.ShouldBe(2, "an epoch is not a metered fact");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private Task<LedgerEntry> AppendAsync(string stream, object fact, Actor? actor = null) =>
        _ledger.AppendAsync(stream, fact, new AuditContext(actor ?? Actor.Service("orchestrator-worker", "w1@host"), new Correlation("wf", "r"), null, []), Guid.NewGuid().ToString(),
            TestContext.Current.CancellationToken);

    private List<string> Gates() =>
        [.. _measured.Where(m => m.Instrument == "orchestrator.gates").Select(m => $"{m.Tags["gate"]}:{m.Tags["outcome"]}")];

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measured)
        {
            _measured.Add((instrument.Name, value, copy));
        }
    }

    /// <summary>The inner ledger, reduced to what the decorator needs: it echoes the append.</summary>
    private sealed class RecordingLedger : IAuditLedger
    {
        private long _version;

        public Task<LedgerEntry> AppendAsync(string streamId, object fact, AuditContext context, string idempotencyKey, CancellationToken cancellationToken = default)
        {
            var version = Interlocked.Increment(ref _version);
            return Task.FromResult(new LedgerEntry(streamId, version, version, fact.GetType().Name, DateTimeOffset.UtcNow, idempotencyKey, context, fact, "", ""));
        }

        public Task<ReferenceCheck> ConfirmAsync(LedgerReference reference, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<LedgerEntry>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = 100, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
