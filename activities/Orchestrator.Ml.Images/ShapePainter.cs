namespace Orchestrator.Ml.Data;

/// <summary>
/// Rasterises one synthetic image: background, optional clutter strokes, the shape (2x2 supersampled
/// for anti-aliased edges), lighting, drift and noise. Only +, *, / and sqrt-free comparisons on
/// doubles, so the pixels are identical on every platform.
/// </summary>
internal static class ShapePainter
{
    private const int Samples = 2;

    public static RgbImage Paint(SyntheticShapesOptions options, string shape, bool night, bool cluttered, ref DeterministicRandom random)
    {
        var n = options.ImageSize;
        var canvas = new double[n * n * 3];
        var (background, foreground) = PickColours(options.RandomColours, ref random);
        for (var i = 0; i < canvas.Length; i += 3)
        {
            canvas[i] = background[0];
            canvas[i + 1] = background[1];
            canvas[i + 2] = background[2];
        }

        if (cluttered)
        {
            var strokes = 5 + random.NextInt(4);
            for (var s = 0; s < strokes; s++)
            {
                var stroke = Stroke.Random(n, ref random);
                double[] colour = [random.NextDouble(60, 200), random.NextDouble(60, 200), random.NextDouble(60, 200)];
                Cover(canvas, n, colour, stroke.Bounds(), (x, y) => stroke.Contains(x, y));
            }
        }

        var centreX = (n / 2.0) + (random.NextDouble(-0.12, 0.12) * n);
        var centreY = (n / 2.0) + (random.NextDouble(-0.12, 0.12) * n);
        var radius = random.NextDouble(0.26, 0.36) * n * (1 - (0.3 * options.Drift));
        var angle = random.NextDouble(-options.MaxRotationDegrees, options.MaxRotationDegrees) * Math.PI / 180;
        var outline = new ShapeOutline(shape, centreX, centreY, radius, angle);
        Cover(canvas, n, foreground, outline.Bounds(n), outline.Contains);

        return Finish(options, night, canvas, n, ref random);
    }

    private static (double[] Background, double[] Foreground) PickColours(bool randomColours, ref DeterministicRandom random)
    {
        if (!randomColours)
        {
            return ([200, 200, 200], [30, 30, 30]);
        }

        // Light shapes on dark ground or dark on light: the contrast, not the colour, carries the class.
        double[] light = [random.NextDouble(160, 250), random.NextDouble(160, 250), random.NextDouble(160, 250)];
        double[] dark = [random.NextDouble(0, 90), random.NextDouble(0, 90), random.NextDouble(0, 90)];
        return random.NextDouble() < 0.5 ? (light, dark) : (dark, light);
    }

    private static void Cover(double[] canvas, int n, double[] colour, (int X0, int Y0, int X1, int Y1) box, Func<double, double, bool> contains)
    {
        var (x0, y0) = (Math.Max(box.X0, 0), Math.Max(box.Y0, 0));
        var (x1, y1) = (Math.Min(box.X1, n - 1), Math.Min(box.Y1, n - 1));
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var hits = 0;
                for (var sy = 0; sy < Samples; sy++)
                {
                    for (var sx = 0; sx < Samples; sx++)
                    {
                        if (contains(x + ((sx + 0.5) / Samples), y + ((sy + 0.5) / Samples)))
                        {
                            hits++;
                        }
                    }
                }

                if (hits == 0)
                {
                    continue;
                }

                var alpha = hits / (double)(Samples * Samples);
                var i = ((y * n) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    canvas[i + c] = (canvas[i + c] * (1 - alpha)) + (colour[c] * alpha);
                }
            }
        }
    }

    private static RgbImage Finish(SyntheticShapesOptions options, bool night, double[] canvas, int n, ref DeterministicRandom random)
    {
        // Night dims everything and shifts towards blue; drift darkens, casts blue and adds noise.
        double[] gain = night ? [0.5, 0.52, 0.65] : [1, 1, 1];
        var dim = 1 - (0.4 * options.Drift);
        var cast = 30 * options.Drift;
        var sigma = (options.Noise + (0.1 * options.Drift)) * 255;
        var pixels = new byte[n * n * 3];
        for (var i = 0; i < canvas.Length; i++)
        {
            var channel = i % 3;
            var value = (canvas[i] * gain[channel] * dim) + (channel == 2 ? cast : 0);
            if (sigma > 0)
            {
                value += sigma * random.NextGaussian();
            }

            pixels[i] = value <= 0 ? (byte)0 : value >= 255 ? (byte)255 : (byte)(value + 0.5);
        }

        return new RgbImage(n, n, pixels);
    }
}
