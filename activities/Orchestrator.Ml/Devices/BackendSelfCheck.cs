using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// A numerical check of libtorch's CPU kernels, run once per process before the first training or
/// TorchSharp evaluation: the <see cref="ReferenceNetwork"/>'s forward and backward passes in libtorch,
/// compared with the same passes in plain C#. A correct backend agrees to about 1e-7 (float32 against double);
/// the tolerance is 1e-3, so a pass is unambiguous. On AMD Zen 5 hosts libtorch 2.10's oneDNN kernels give
/// wrong or NaN convolution input gradients when allowed AVX-512, and wrong ones for 4 output channels when
/// allowed AVX2; <c>DNNL_MAX_CPU_ISA</c>, set before the process starts, limits them
/// (docs/adr/0021-cpu-backend-self-check.md).
/// </summary>
public static class BackendSelfCheck
{
    /// <summary>The largest relative error a backend may show and still pass.</summary>
    public const double Tolerance = 1e-3;

    private static readonly Lazy<BackendCheckResult> Once = new(() => Run(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The check of this process, run at first use.</summary>
    public static BackendCheckResult Result => Once.Value;

    /// <summary>The command-line argument that runs the check alone (the launchers' probe).</summary>
    public const string Argument = "--self-check";

    /// <summary>
    /// What <see cref="Argument"/> does in a service or tool: prints the result on one line and returns the
    /// exit code, 0 when passed, 1 (with the refusal on <paramref name="error"/>) when not.
    /// </summary>
    public static int RunFromCommandLine(TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        output.WriteLine(Result.Describe());
        if (!Result.Passed)
        {
            error.WriteLine(Result.RefusalMessage);
        }

        return Result.Passed ? 0 : 1;
    }

    /// <summary>
    /// Throws <see cref="BackendCheckFailedException"/> when <paramref name="device"/> is the CPU and this
    /// process's check failed (CUDA devices do not run oneDNN's CPU kernels).
    /// </summary>
    public static void EnsurePassed(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CPU && !Result.Passed)
        {
            throw new BackendCheckFailedException(Result);
        }
    }

    /// <summary>
    /// Runs the check now. <paramref name="alterReference"/> may change the plain C# reference before the
    /// comparison (tests force a failure with it); the quantities are keyed by name ("loss", "input gradient", ...).
    /// <paramref name="device"/> (default the CPU) is where libtorch computes: a GPU worker checks its CUDA device
    /// with the same reference (<see cref="GpuDeviceCheck"/>).
    /// </summary>
    public static BackendCheckResult Run(Action<IDictionary<string, double[]>>? alterReference = null, Device? device = null)
    {
        var expected = ReferenceNetwork.Compute();
        alterReference?.Invoke(expected);
        Dictionary<string, double[]> actual;
        try
        {
            ComputeDevice.EnsureNativeBackend(); // the CUDA build loads the host's libtorch first
            actual = Libtorch(device ?? CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new BackendCheckResult(false, double.PositiveInfinity, $"libtorch could not run the check: {e.Message}", CpuCapability.Current);
        }

        var worst = (Name: "", Error: 0.0);
        foreach (var (name, want) in expected)
        {
            var error = actual.TryGetValue(name, out var got) ? RelativeError(got, want) : double.PositiveInfinity;
            if (error > worst.Error)
            {
                worst = (name, error);
            }
        }

        return new BackendCheckResult(worst.Error <= Tolerance, worst.Error, worst.Name, CpuCapability.Current);
    }

    /// <summary>max |a − b| / max(max |b|, 1e-3); NaN or infinity anywhere is an infinite error.</summary>
    private static double RelativeError(double[] actual, double[] expected)
    {
        if (actual.Length != expected.Length)
        {
            return double.PositiveInfinity;
        }

        double difference = 0, scale = 1e-3;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!double.IsFinite(actual[i]) || !double.IsFinite(expected[i]))
            {
                return double.PositiveInfinity;
            }

            difference = Math.Max(difference, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return difference / scale;
    }

    private static Dictionary<string, double[]> Libtorch(Device device)
    {
        Tensor Leaf(double[] values, params long[] shape) =>
            tensor(Array.ConvertAll(values, v => (float)v), shape).to(device).requires_grad_(true);

        using var scope = NewDisposeScope();
        const int n = ReferenceNetwork.Batch, side = ReferenceNetwork.Side;
        var x = Leaf(ReferenceNetwork.Input(), n, ReferenceNetwork.InChannels, side, side);
        var w1 = Leaf(ReferenceNetwork.Conv1Weight(), ReferenceNetwork.Hidden, ReferenceNetwork.InChannels, 3, 3);
        var gamma = Leaf(ReferenceNetwork.Gamma(), ReferenceNetwork.Hidden);
        var beta = Leaf(ReferenceNetwork.Beta(), ReferenceNetwork.Hidden);
        var w2 = Leaf(ReferenceNetwork.Conv2Weight(), ReferenceNetwork.OutChannels, ReferenceNetwork.Hidden, 3, 3);
        var b2 = Leaf(ReferenceNetwork.Conv2Bias(), ReferenceNetwork.OutChannels);
        var wl = Leaf(ReferenceNetwork.LinearWeight(), ReferenceNetwork.Classes, ReferenceNetwork.Features);
        var bl = Leaf(ReferenceNetwork.LinearBias(), ReferenceNetwork.Classes);
        var runningMean = zeros(ReferenceNetwork.Hidden, device: device);
        var runningVar = ones(ReferenceNetwork.Hidden, device: device);

        var h = nn.functional.conv2d(x, w1, null, strides: [1, 1], padding: [1, 1]);
        h = nn.functional.batch_norm(h, runningMean, runningVar, gamma, beta, training: true, eps: ReferenceNetwork.Epsilon);
        h = nn.functional.relu(h);
        h = nn.functional.relu(nn.functional.conv2d(h, w2, b2, strides: [2, 2], padding: [1, 1]));
        var logits = nn.functional.linear(h.flatten(1), wl, bl);
        var loss = nn.functional.cross_entropy(logits, tensor(ReferenceNetwork.Targets).to(device));
        loss.backward();

        var quantities = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["loss"] = Values(loss),
            ["logits"] = Values(logits),
            ["input gradient"] = Values(x.grad!),
            ["conv1 weight gradient"] = Values(w1.grad!),
            ["batch-norm weight gradient"] = Values(gamma.grad!),
            ["batch-norm bias gradient"] = Values(beta.grad!),
            ["conv2 weight gradient"] = Values(w2.grad!),
            ["conv2 bias gradient"] = Values(b2.grad!),
            ["linear weight gradient"] = Values(wl.grad!),
            ["linear bias gradient"] = Values(bl.grad!),
        };
        foreach (var c in ReferenceNetwork.Sweep)
        {
            var input = Leaf(ReferenceNetwork.SweepInput(c), c.Batch, c.In, c.Side, c.Side);
            var weight = Leaf(ReferenceNetwork.SweepWeight(c), c.Out, c.In, 3, 3);
            var output = nn.functional.conv2d(input, weight, null, strides: [c.Stride, c.Stride], padding: [1, 1]);
            var g = tensor(Array.ConvertAll(ReferenceNetwork.SweepOutputGradient(c, (int)output.numel()), v => (float)v), output.shape).to(device);
            (output * g).sum().backward();
            quantities[ReferenceNetwork.SweepName(c, "output")] = Values(output);
            quantities[ReferenceNetwork.SweepName(c, "input gradient")] = Values(input.grad!);
            quantities[ReferenceNetwork.SweepName(c, "weight gradient")] = Values(weight.grad!);
        }

        return quantities;
    }

    private static double[] Values(Tensor t) => Array.ConvertAll(t.detach().cpu().data<float>().ToArray(), v => (double)v);
}

/// <summary>The outcome of <see cref="BackendSelfCheck"/> on this host.</summary>
/// <param name="Passed">Whether every quantity agreed within <see cref="BackendSelfCheck.Tolerance"/>.</param>
/// <param name="MaxError">The largest relative error (infinite when a value was NaN or infinite).</param>
/// <param name="Worst">The quantity with that error (or why the check could not run).</param>
/// <param name="Cpu">The host CPU and the process's ISA limit.</param>
public sealed record BackendCheckResult(bool Passed, double MaxError, string Worst, CpuCapability Cpu)
{
    /// <summary>For the training evidence and /readyz, e.g. <c>selfcheck=passed maxerr=2.1e-07</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"selfcheck={(Passed ? "passed" : "failed")} maxerr={MaxError:0.#e+00}{(Passed ? "" : $" worst=\"{Worst}\"")} {Cpu.Describe()}");

    /// <summary>The one line a process prints when it refuses to train or evaluate on this backend.</summary>
    public string RefusalMessage
    {
        get
        {
            var fix = Cpu.IsaLimit is null
                ? $"start the process with {CpuCapability.IsaLimitVariable} set to the highest of AVX2, AVX, SSE41 that passes " +
                  $"(./run.sh, ./test.sh, ./bench.sh and infra/servers.sh measure and set it; `Orchestrator.Api {BackendSelfCheck.Argument}` checks one)"
                : $"the limit {Cpu.IsaLimit} does not help on this host; try a lower one (AVX2, AVX, SSE41)";
            return FormattableString.Invariant(
                $"the CPU backend failed its numerical self-check ({Worst} off by {MaxError:0.##e+00} relative, tolerance {BackendSelfCheck.Tolerance:0e+00}) ") +
                FormattableString.Invariant($"on \"{Cpu.Model}\" (family {Cpu.Family}, {CpuCapability.IsaLimitVariable}={Cpu.IsaLimit ?? "unset"}): {fix}; ") +
                "training and TorchSharp evaluation are refused until it passes (README, Troubleshooting)";
        }
    }
}

/// <summary>Thrown instead of training or evaluating on a backend that failed <see cref="BackendSelfCheck"/>.</summary>
public sealed class BackendCheckFailedException(BackendCheckResult result) : InvalidOperationException(result.RefusalMessage)
{
    /// <summary>The failed check.</summary>
    public BackendCheckResult Result { get; } = result;
}
