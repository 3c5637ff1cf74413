namespace Orchestrator.Ml.Devices;

/// <summary>
/// The self-check's quantities computed in plain C# (double precision, no native code). The network:
/// conv 3→4 (3×3, stride 1, padding 1, no bias) → batch norm (training statistics) → ReLU → conv 4→6
/// (3×3, stride 2, padding 1) → ReLU → linear 96→3 → mean cross-entropy, forward and backward. Then a sweep
/// of single 3×3 convolutions over the channel counts, strides and batch sizes where broken kernels were
/// seen (<see cref="Sweep"/>), each with the loss Σ output·g for a fixed g. Inputs and weights are fixed
/// formulas, so libtorch and this code see the same numbers.
/// </summary>
internal static class ReferenceNetwork
{
    public const int Batch = 2, InChannels = 3, Side = 8, Hidden = 4, OutChannels = 6, Classes = 3;
    public const int OutSide = Side / 2;
    public const int Features = OutChannels * OutSide * OutSide;
    public const double Epsilon = 1e-5;
    public static readonly long[] Targets = [0, 2];

    public static double[] Input() => Fill(Batch * InChannels * Side * Side, 0.37, 1.0);
    public static double[] Conv1Weight() => Fill(Hidden * InChannels * 9, 1.13, 0.35);
    public static double[] Gamma() => Fill(Hidden, 0.5, 0.3, 1.0);
    public static double[] Beta() => Fill(Hidden, 1.9, 0.2);
    public static double[] Conv2Weight() => Fill(OutChannels * Hidden * 9, 0.83, 0.3);
    public static double[] Conv2Bias() => Fill(OutChannels, 3.3, 0.1);
    public static double[] LinearWeight() => Fill(Classes * Features, 0.61, 0.2);
    public static double[] LinearBias() => Fill(Classes, 1.7, 0.1);

    /// <summary>
    /// The swept convolutions: (input channels, output channels, side, stride, batch). Broken oneDNN kernels
    /// on AMD Zen 5 gave wrong or NaN input gradients at 4 and 8 output channels, stride 1, batch 2 and 8 (some
    /// only now and then), so those are covered several times over; wider layers check the common case.
    /// </summary>
    public static readonly (int In, int Out, int Side, int Stride, int Batch)[] Sweep =
    [
        .. from c in new[] { 1, 3, 8, 16, 32 }
           from o in new[] { 4, 8 }
           from n in new[] { 2, 8 }
           select (c, o, 8, 1, n),
        (3, 4, 4, 2, 8), (1, 8, 8, 2, 2), (16, 16, 8, 1, 2), (32, 32, 4, 1, 8), (16, 32, 8, 2, 8), (3, 16, 16, 1, 1),
    ];

    /// <summary>Names a swept convolution's quantity, e.g. <c>conv 16→4 8px stride 1 batch 2: input gradient</c>.</summary>
    public static string SweepName((int In, int Out, int Side, int Stride, int Batch) c, string quantity) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"conv {c.In}→{c.Out} {c.Side}px stride {c.Stride} batch {c.Batch}: {quantity}");

    public static double[] SweepInput((int In, int Out, int Side, int Stride, int Batch) c) => Fill(c.Batch * c.In * c.Side * c.Side, 0.41 + 0.01 * c.In, 1.0);
    public static double[] SweepWeight((int In, int Out, int Side, int Stride, int Batch) c) => Fill(c.Out * c.In * 9, 0.77 + 0.01 * c.Out, 0.5);
    public static double[] SweepOutputGradient((int In, int Out, int Side, int Stride, int Batch) c, int length) => Fill(length, 0.29 + 0.001 * c.Side, 1.0);

    /// <summary>Deterministic, irregular values: offset + scale·sin(i·step + 0.3·i²·10⁻²).</summary>
    private static double[] Fill(int count, double step, double scale, double offset = 0)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = offset + scale * Math.Sin(i * step + 0.003 * i * i);
        }

        return values;
    }

    /// <summary>
    /// The loss, the logits and the gradient of the loss with respect to every leaf, by name, each in
    /// row-major (NCHW) order.
    /// </summary>
    public static Dictionary<string, double[]> Compute()
    {
        var x = Input();
        var w1 = Conv1Weight();
        var w2 = Conv2Weight();
        var gamma = Gamma();
        var wl = LinearWeight();

        var c1 = Conv.Forward(x, Batch, InChannels, Side, w1, new double[Hidden], Hidden, stride: 1, out var side1);
        var (bn, xhat, invStd) = Norm.Forward(c1, Batch, Hidden, side1 * side1, gamma, Beta());
        var r1 = Relu(bn);
        var c2 = Conv.Forward(r1, Batch, Hidden, side1, w2, Conv2Bias(), OutChannels, stride: 2, out var side2);
        var r2 = Relu(c2);
        var logits = Dense.Forward(r2, Batch, Features, wl, LinearBias(), Classes);
        var (loss, dLogits) = CrossEntropy(logits);

        var (dr2, dwl, dbl) = Dense.Backward(dLogits, r2, Batch, Features, wl, Classes);
        var dc2 = ReluBackward(dr2, c2);
        var (dr1, dw2, db2) = Conv.Backward(dc2, r1, Batch, Hidden, side1, w2, OutChannels, stride: 2, side2);
        var dbn = ReluBackward(dr1, bn);
        var (dc1, dGamma, dBeta) = Norm.Backward(dbn, xhat, invStd, Batch, Hidden, side1 * side1, gamma);
        var (dx, dw1, _) = Conv.Backward(dc1, x, Batch, InChannels, Side, w1, Hidden, stride: 1, side1);

        var quantities = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["loss"] = [loss],
            ["logits"] = logits,
            ["input gradient"] = dx,
            ["conv1 weight gradient"] = dw1,
            ["batch-norm weight gradient"] = dGamma,
            ["batch-norm bias gradient"] = dBeta,
            ["conv2 weight gradient"] = dw2,
            ["conv2 bias gradient"] = db2,
            ["linear weight gradient"] = dwl,
            ["linear bias gradient"] = dbl,
        };
        foreach (var c in Sweep)
        {
            var input = SweepInput(c);
            var weight = SweepWeight(c);
            var output = Conv.Forward(input, c.Batch, c.In, c.Side, weight, new double[c.Out], c.Out, c.Stride, out var outSide);
            var (dInput, dWeight, _) = Conv.Backward(SweepOutputGradient(c, output.Length), input, c.Batch, c.In, c.Side, weight, c.Out, c.Stride, outSide);
            quantities[SweepName(c, "output")] = output;
            quantities[SweepName(c, "input gradient")] = dInput;
            quantities[SweepName(c, "weight gradient")] = dWeight;
        }

        return quantities;
    }

    private static double[] Relu(double[] x) => Array.ConvertAll(x, v => Math.Max(0, v));

    private static double[] ReluBackward(double[] dy, double[] x)
    {
        var dx = new double[dy.Length];
        for (var i = 0; i < dx.Length; i++)
        {
            dx[i] = x[i] > 0 ? dy[i] : 0;
        }

        return dx;
    }

    private static (double Loss, double[] Gradient) CrossEntropy(double[] logits)
    {
        var gradient = new double[logits.Length];
        double loss = 0;
        for (var n = 0; n < Batch; n++)
        {
            var row = logits.AsSpan(n * Classes, Classes);
            var max = double.NegativeInfinity;
            foreach (var v in row)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (var v in row)
            {
                sum += Math.Exp(v - max);
            }

            loss -= row[(int)Targets[n]] - max - Math.Log(sum);
            for (var k = 0; k < Classes; k++)
            {
                var p = Math.Exp(row[k] - max) / sum;
                gradient[n * Classes + k] = (p - (k == Targets[n] ? 1 : 0)) / Batch;
            }
        }

        return (loss / Batch, gradient);
    }

    /// <summary>3×3 convolution with zero padding 1.</summary>
    private static class Conv
    {
        public static double[] Forward(double[] x, int batch, int inC, int side, double[] w, double[] b, int outC, int stride, out int outSide)
        {
            outSide = (side + 2 - 3) / stride + 1;
            var y = new double[batch * outC * outSide * outSide];
            var o = outSide;
            Walk(batch, inC, side, outC, stride, o, (yi, xi, wi, bo) => y[yi] += w[wi] * x[xi], (yi, oc) => y[yi] += b[oc]);
            return y;
        }

        public static (double[] Dx, double[] Dw, double[] Db) Backward(double[] dy, double[] x, int batch, int inC, int side, double[] w, int outC, int stride, int outSide)
        {
            var dx = new double[x.Length];
            var dw = new double[w.Length];
            var db = new double[outC];
            Walk(batch, inC, side, outC, stride, outSide, (yi, xi, wi, _) =>
            {
                dw[wi] += dy[yi] * x[xi];
                dx[xi] += dy[yi] * w[wi];
            }, (yi, oc) => db[oc] += dy[yi]);
            return (dx, dw, db);
        }

        /// <summary>Calls <paramref name="tap"/> for every (output, input, weight) triple inside the padded image, <paramref name="each"/> once per output.</summary>
        private static void Walk(int batch, int inC, int side, int outC, int stride, int outSide,
            Action<int, int, int, int> tap, Action<int, int> each)
        {
            for (var n = 0; n < batch; n++)
            for (var oc = 0; oc < outC; oc++)
            for (var i = 0; i < outSide; i++)
            for (var j = 0; j < outSide; j++)
            {
                var yi = ((n * outC + oc) * outSide + i) * outSide + j;
                each(yi, oc);
                for (var c = 0; c < inC; c++)
                for (var ki = 0; ki < 3; ki++)
                for (var kj = 0; kj < 3; kj++)
                {
                    int r = i * stride + ki - 1, s = j * stride + kj - 1;
                    if (r >= 0 && r < side && s >= 0 && s < side)
                    {
                        tap(yi, ((n * inC + c) * side + r) * side + s, ((oc * inC + c) * 3 + ki) * 3 + kj, oc);
                    }
                }
            }
        }
    }

    /// <summary>Batch normalisation over (N, H, W) per channel with the batch's biased variance.</summary>
    private static class Norm
    {
        public static (double[] Y, double[] XHat, double[] InvStd) Forward(double[] x, int batch, int channels, int plane, double[] gamma, double[] beta)
        {
            var y = new double[x.Length];
            var xhat = new double[x.Length];
            var invStd = new double[channels];
            var m = batch * plane;
            for (var c = 0; c < channels; c++)
            {
                double mean = 0, variance = 0;
                foreach (var i in Indices(batch, channels, plane, c))
                {
                    mean += x[i];
                }

                mean /= m;
                foreach (var i in Indices(batch, channels, plane, c))
                {
                    variance += (x[i] - mean) * (x[i] - mean);
                }

                invStd[c] = 1 / Math.Sqrt(variance / m + Epsilon);
                foreach (var i in Indices(batch, channels, plane, c))
                {
                    xhat[i] = (x[i] - mean) * invStd[c];
                    y[i] = gamma[c] * xhat[i] + beta[c];
                }
            }

            return (y, xhat, invStd);
        }

        public static (double[] Dx, double[] DGamma, double[] DBeta) Backward(double[] dy, double[] xhat, double[] invStd, int batch, int channels, int plane, double[] gamma)
        {
            var dx = new double[dy.Length];
            var dGamma = new double[channels];
            var dBeta = new double[channels];
            var m = batch * plane;
            for (var c = 0; c < channels; c++)
            {
                double sumDy = 0, sumDyXhat = 0;
                foreach (var i in Indices(batch, channels, plane, c))
                {
                    sumDy += dy[i];
                    sumDyXhat += dy[i] * xhat[i];
                }

                dGamma[c] = sumDyXhat;
                dBeta[c] = sumDy;
                foreach (var i in Indices(batch, channels, plane, c))
                {
                    dx[i] = gamma[c] * invStd[c] / m * (m * dy[i] - sumDy - xhat[i] * sumDyXhat);
                }
            }

            return (dx, dGamma, dBeta);
        }

        private static IEnumerable<int> Indices(int batch, int channels, int plane, int c)
        {
            for (var n = 0; n < batch; n++)
            {
                for (var p = 0; p < plane; p++)
                {
                    yield return (n * channels + c) * plane + p;
                }
            }
        }
    }

    /// <summary>y = x·Wᵀ + b.</summary>
    private static class Dense
    {
        public static double[] Forward(double[] x, int batch, int features, double[] w, double[] b, int outputs)
        {
            var y = new double[batch * outputs];
            for (var n = 0; n < batch; n++)
            for (var k = 0; k < outputs; k++)
            {
                var sum = b[k];
                for (var f = 0; f < features; f++)
                {
                    sum += x[n * features + f] * w[k * features + f];
                }

                y[n * outputs + k] = sum;
            }

            return y;
        }

        public static (double[] Dx, double[] Dw, double[] Db) Backward(double[] dy, double[] x, int batch, int features, double[] w, int outputs)
        {
            var dx = new double[x.Length];
            var dw = new double[w.Length];
            var db = new double[outputs];
            for (var n = 0; n < batch; n++)
            for (var k = 0; k < outputs; k++)
            {
                var g = dy[n * outputs + k];
                db[k] += g;
                for (var f = 0; f < features; f++)
                {
                    dw[k * features + f] += g * x[n * features + f];
                    dx[n * features + f] += g * w[k * features + f];
                }
            }

            return (dx, dw, db);
        }
    }
}
