namespace Orchestrator.Ml.Training;

/// <summary>
/// The random choices of one image's augmentation: colour factors (1 = unchanged), horizontal flip and
/// translation. Drawn in one fixed order from the batch's seeded random source, so the CPU preprocessor and the
/// on-device path (<see cref="DeviceInput"/>) apply exactly the same transform to the same image. <see cref="Erase"/> is the
/// random-erasing rectangle as fractions of the image side (null: nothing erased); <see cref="Rotation"/> the angle in degrees
/// (counter-clockwise; 0: not rotated).
/// </summary>
public readonly record struct AugmentationDraw(float Brightness, float Contrast, float Saturation, bool Flip, int Dx, int Dy, EraseRectangle? Erase = null, float Rotation = 0f)
{
    /// <summary>No change at all.</summary>
    public static AugmentationDraw Identity { get; } = new(1, 1, 1, false, 0, 0);

    /// <summary>Whether any colour factor differs from 1.</summary>
    public bool ChangesColour => Brightness != 1 || Contrast != 1 || Saturation != 1;

    /// <summary>Draws the next image's choices: brightness, contrast, saturation, flip, dx, dy, erasing, rotation (each only when enabled).</summary>
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
        // Drawn last and only when enabled, so policies without erasing draw exactly the sequence they always drew.
        var erase = options.RandomErasing > 0 && random.NextDouble() < options.RandomErasing ? EraseRectangle.Next(random) : (EraseRectangle?)null;
        // The same for rotation, drawn after erasing: policies without it draw what they drew before it existed.
        var rotation = options.Rotation > 0 ? (float)(((random.NextDouble() * 2) - 1) * options.Rotation) : 0f;
        return new AugmentationDraw(brightness, contrast, saturation, flip, dx, dy, erase, rotation);
    }

    private static float Factor(float amount, Random random) =>
        amount <= 0 ? 1f : 1f + (((float)random.NextDouble() * 2f) - 1f) * amount;
}

/// <summary>
/// A rectangle to erase, as fractions of the image side: area 2-33 % of the image and aspect ratio 0.3-3.3 (log-uniform),
/// torchvision's RandomErasing defaults; <see cref="Pixels"/> maps it onto a square image.
/// </summary>
public readonly record struct EraseRectangle(float X, float Y, float Width, float Height)
{
    /// <summary>Draws area, log-aspect, then the top-left corner.</summary>
    public static EraseRectangle Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var area = 0.02 + (random.NextDouble() * (0.33 - 0.02));
        var aspect = Math.Exp(Math.Log(0.3) + (random.NextDouble() * (Math.Log(3.3) - Math.Log(0.3))));
        var height = Math.Min(1.0, Math.Sqrt(area * aspect));
        var width = Math.Min(1.0, Math.Sqrt(area / aspect));
        var x = random.NextDouble() * (1 - width);
        var y = random.NextDouble() * (1 - height);
        return new EraseRectangle((float)x, (float)y, (float)width, (float)height);
    }

    /// <summary>The rectangle in pixels of a <paramref name="size"/>-pixel square: left, top, width, height (at least one pixel, inside the image).</summary>
    public (int Left, int Top, int Width, int Height) Pixels(int size)
    {
        var left = Math.Clamp((int)(X * size), 0, size - 1);
        var top = Math.Clamp((int)(Y * size), 0, size - 1);
        var width = Math.Clamp((int)Math.Round(Width * size), 1, size - left);
        var height = Math.Clamp((int)Math.Round(Height * size), 1, size - top);
        return (left, top, width, height);
    }
}
