namespace Orchestrator.Ml.Training;

/// <summary>
/// The random choices of one image's augmentation: colour factors (1 = unchanged), horizontal flip and
/// translation. Drawn in one fixed order from the batch's seeded random source, so the CPU preprocessor and the
/// on-device path (<see cref="DeviceInput"/>) apply exactly the same transform to the same image.
/// </summary>
public readonly record struct AugmentationDraw(float Brightness, float Contrast, float Saturation, bool Flip, int Dx, int Dy)
{
    /// <summary>No change at all.</summary>
    public static AugmentationDraw Identity { get; } = new(1, 1, 1, false, 0, 0);

    /// <summary>Whether any colour factor differs from 1.</summary>
    public bool ChangesColour => Brightness != 1 || Contrast != 1 || Saturation != 1;

    /// <summary>Draws the next image's choices: brightness, contrast, saturation, flip, dx, dy (each only when enabled).</summary>
    public static AugmentationDraw Next(AugmentationOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var brightness = Factor(options.Brightness, random);
        var contrast = Factor(options.Contrast, random);
        var saturation = Factor(options.Saturation, random);
        var flip = options.HorizontalFlip && random.Next(2) == 1;
        var dx = options.CropPadding > 0 ? random.Next(-options.CropPadding, options.CropPadding + 1) : 0;
        var dy = options.CropPadding > 0 ? random.Next(-options.CropPadding, options.CropPadding + 1) : 0;
        return new AugmentationDraw(brightness, contrast, saturation, flip, dx, dy);
    }

    private static float Factor(float amount, Random random) =>
        amount <= 0 ? 1f : 1f + (((float)random.NextDouble() * 2f) - 1f) * amount;
}
