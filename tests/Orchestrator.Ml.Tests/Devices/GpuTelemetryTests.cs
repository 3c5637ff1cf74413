using System.Diagnostics.Metrics;
using Orchestrator.Ml.Devices;
using TorchSharp;

namespace Orchestrator.Ml.Tests.Devices;

/// <summary>GPU telemetry without a GPU: NVML absent degrades to "no GPU telemetry", and the summaries are checked on synthetic readings.</summary>
public sealed class GpuTelemetryTests
{
    private const long GiB = 1L << 30;

    [Fact]
    public void TryOpen_NoNvmlLibrary_AnswersNullSayingThereIsNoTelemetry()
    {
        using var nvml = Nvml.TryOpen(out var reason, "libnvidia-ml-absent.so.1");

        nvml.ShouldBeNull();
        reason.ShouldBe("no GPU telemetry: libnvidia-ml-absent.so.1 is not installed (no NVIDIA driver on this host)");
    }

    [Fact]
    public void TryOpen_OnThisHost_ReadsTheGpuOrSaysWhyNot()
    {
        using var nvml = Nvml.TryOpen(out var reason);
        if (nvml is null)
        {
            reason.ShouldStartWith("no GPU telemetry: ");
            Assert.Skip($"no NVIDIA driver on this host ({reason}); runs on a GPU host (infra/gpu/check.sh)");
        }

        var device = nvml.Device(0, null).ShouldNotBeNull();
        nvml.Name(device).ShouldNotBeNullOrWhiteSpace();
        nvml.DriverVersion.ShouldNotBeNullOrWhiteSpace();
        var sample = nvml.Sample(device).ShouldNotBeNull();
        sample.MemoryTotalBytes.ShouldBeGreaterThan(0);
        sample.Utilization.ShouldBeInRange(0, 1);
    }

    [Fact]
    public void Start_CpuDevice_NoSampler()
    {
        using var sampler = GpuUsageSampler.Start(torch.CPU, TimeSpan.FromSeconds(1), out var reason);

        sampler.ShouldBeNull();
        reason.ShouldBe("no GPU telemetry: training runs on cpu");
    }

    [Fact]
    public void TakeEpoch_SyntheticReadings_MeanUtilisationPeakMemoryAndHottestOfThatEpochOnly()
    {
        var readings = new Queue<GpuSample?>([
            new GpuSample(0.5, 10 * GiB, 140 * GiB, 60), new GpuSample(1.0, 30 * GiB, 140 * GiB, 71), null, new GpuSample(0.9, 20 * GiB, 140 * GiB, 65),
            new GpuSample(0.2, 5 * GiB, 140 * GiB, 50), new GpuSample(0.4, 6 * GiB, 140 * GiB, 52)]);
        using var sampler = new GpuUsageSampler(() => readings.Count > 0 ? readings.Dequeue() : null, Timeout.InfiniteTimeSpan);
        // The timer's first reading is taken at once, on the thread pool; wait for it before taking the others by hand.
        SpinWait.SpinUntil(() => readings.Count == 5, TimeSpan.FromSeconds(5)).ShouldBeTrue();
        sampler.Sample();
        sampler.Sample(); // refused by the driver: no reading

        var first = sampler.TakeEpoch(); // takes one more reading: 0.9
        var second = sampler.TakeEpoch(); // 0.2
        sampler.Sample(); // 0.4
        var third = sampler.TakeEpoch(); // nothing left to read

        first.ShouldBe(new GpuEpochUsage((0.5 + 1.0 + 0.9) / 3, 30 * GiB, 140 * GiB, 71, 3));
        second.ShouldBe(new GpuEpochUsage(0.2, 5 * GiB, 140 * GiB, 50, 1));
        third.ShouldBe(new GpuEpochUsage(0.4, 6 * GiB, 140 * GiB, 52, 1));
    }

    [Fact]
    public void GpuMeters_Readings_PublishedAsGaugesWithDeviceAndWorker()
    {
        using var factory = new TestMeterFactory();
        var reading = new GpuSample(0.75, 12 * GiB, 140 * GiB, 64);
        _ = new GpuMeters(factory, () => reading, "cuda:1", "worker-7");
        var measured = Collect(factory);
        reading = new GpuSample(0.25, 8 * GiB, 140 * GiB, 66);
        var later = Collect(factory);

        measured["orchestrator.gpu.utilization"].ShouldBe(0.75);
        measured["orchestrator.gpu.memory.used"].ShouldBe(12.0 * GiB);
        measured["orchestrator.gpu.temperature"].ShouldBe(64);
        later["orchestrator.gpu.memory.used"].ShouldBe(8.0 * GiB);
        later["orchestrator.gpu.memory.peak"].ShouldBe(12.0 * GiB, "the peak keeps the most seen");
        Tags.ShouldBe(["device=cuda:1", "worker=worker-7"]);
    }

    [Fact]
    public void GpuMeters_DriverRefusesAReading_NoMeasurementRatherThanZero()
    {
        using var factory = new TestMeterFactory();
        _ = new GpuMeters(factory, () => null, "cuda:0", "w");

        Collect(factory).ShouldBeEmpty();
    }

    private List<string> Tags { get; } = [];

    // Only this test's meters: other tests create meters of the same name in parallel.
    private Dictionary<string, double> Collect(TestMeterFactory factory)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name == GpuMeters.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            values[instrument.Name] = value;
            Tags.Clear();
            foreach (var tag in tags)
            {
                Tags.Add($"{tag.Key}={tag.Value}");
            }
        }

        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            meters.Add(meter);
            return meter;
        }

        public void Dispose() => meters.ForEach(m => m.Dispose());
    }
}
