namespace Orchestrator.Ml.Evaluation;

/// <summary>A deterministic change to an image's pixels, for robustness checks.</summary>
public interface IImagePerturbation
{
    /// <summary>A short name for reports, e.g. "brightness-0.5".</summary>
    string Name { get; }

    /// <summary>Seed of the random source handed to <see cref="Apply"/>.</summary>
    int Seed { get; }

    /// <summary>Writes the perturbed RGB pixels of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    void Apply(int width, int height, ReadOnlySpan<byte> source, Span<byte> destination, Random random);
}

/// <summary>Multiplies every channel by <paramref name="Factor"/> (under 1 darkens, over 1 brightens).</summary>
public sealed record BrightnessPerturbation(double Factor) : IImagePerturbation
{
    public string Name => FormattableString.Invariant($"brightness-{Factor:0.##}");

    public int Seed => 0;

    public void Apply(int width, int height, ReadOnlySpan<byte> source, Span<byte> destination, Random random)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = (byte)Math.Clamp(Math.Round(source[i] * Factor), 0, 255);
        }
    }
}

/// <summary>Box blur with a (2r+1)^2 window, edges clamped.</summary>
public sealed record BlurPerturbation(int Radius) : IImagePerturbation
{
    public string Name => FormattableString.Invariant($"blur-{Radius}");

    public int Seed => 0;

    public void Apply(int width, int height, ReadOnlySpan<byte> source, Span<byte> destination, Random random)
    {
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var sum = 0;
                    for (var dy = -Radius; dy <= Radius; dy++)
                    {
                        var sy = Math.Clamp(y + dy, 0, height - 1);
                        for (var dx = -Radius; dx <= Radius; dx++)
                        {
                            sum += source[(((sy * width) + Math.Clamp(x + dx, 0, width - 1)) * 3) + c];
                        }
                    }

                    var side = (2 * Radius) + 1;
                    destination[(((y * width) + x) * 3) + c] = (byte)((sum + (side * side / 2)) / (side * side));
                }
            }
        }
    }
}

/// <summary>Adds Gaussian noise with standard deviation <paramref name="Sigma"/> (in 0..255 units), seeded.</summary>
public sealed record GaussianNoisePerturbation(double Sigma, int NoiseSeed = 1234) : IImagePerturbation
{
    public string Name => FormattableString.Invariant($"noise-{Sigma:0.##}");

    public int Seed => NoiseSeed;

    public void Apply(int width, int height, ReadOnlySpan<byte> source, Span<byte> destination, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var i = 0; i < source.Length; i++)
        {
            // Box-Muller: two uniforms give one standard normal draw.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            destination[i] = (byte)Math.Clamp(Math.Round(source[i] + (Sigma * normal)), 0, 255);
        }
    }
}
