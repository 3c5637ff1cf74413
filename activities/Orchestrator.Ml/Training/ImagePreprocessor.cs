using Orchestrator.Ml.Models;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Turns a decoded RGB image into the model's input: bilinear resize to the input size (straight to the
/// square, or shorter side to <see cref="Models.Preprocessing.ResizeShorterSide"/> then a centred crop),
/// optional augmentation (colour jitter, horizontal flip, pad-and-crop, rotation, random erasing), scaling to [0,1] and per-channel
/// normalisation, written as CHW floats into a caller-owned span (no allocation per image). The one
/// implementation of <see cref="Models.Preprocessing"/>: training, evaluation and serving all call it.
/// </summary>
public sealed class ImagePreprocessor
{
    [ThreadStatic]
    private static float[]? scratch;

    private readonly int size;
    private readonly float[] mean;
    private readonly float[] inverseStd;

    public ImagePreprocessor(Preprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (preprocessing.ResizeShorterSide != 0 && preprocessing.ResizeShorterSide < preprocessing.InputSize)
        {
            throw new ArgumentException($"A {preprocessing.InputSize}-pixel centre crop needs the shorter side resized to at least that, not {preprocessing.ResizeShorterSide}.", nameof(preprocessing));
        }

        Preprocessing = preprocessing;
        size = preprocessing.InputSize;
        mean = [.. preprocessing.Mean];
        inverseStd = preprocessing.Std.Select(s => 1f / s).ToArray();
    }

    public Preprocessing Preprocessing { get; }

    /// <summary>Floats per image: 3 x size x size.</summary>
    public int ValuesPerImage => 3 * size * size;

    /// <summary>Writes <paramref name="image"/> into <paramref name="destination"/> (length <see cref="ValuesPerImage"/>).</summary>
    public void Write(LabeledImage image, Span<float> destination, AugmentationOptions augmentation, Random? random)
    {
        ArgumentNullException.ThrowIfNull(image);
        Write(image.Width, image.Height, image.Pixels.Span, destination, augmentation, random);
    }

    /// <summary>Writes interleaved RGB <paramref name="pixels"/> of the given size into <paramref name="destination"/>.</summary>
    public void Write(int width, int height, ReadOnlySpan<byte> pixels, Span<float> destination, AugmentationOptions augmentation, Random? random)
    {
        ArgumentNullException.ThrowIfNull(augmentation);
        if (width <= 0 || height <= 0 || pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"Image of {width}x{height} has {pixels.Length} bytes; expected {width * height * 3}.", nameof(pixels));
        }

        if (destination.Length < ValuesPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; {ValuesPerImage} needed.", nameof(destination));
        }

        if (!augmentation.IsIdentity && random is null)
        {
            throw new ArgumentNullException(nameof(random), "Augmentation needs a seeded random source.");
        }

        var sampling = Geometry(width, height);
        if (augmentation.IsIdentity && sampling.IsIdentity(width, height, size))
        {
            WriteDirect(pixels, destination);
            return;
        }

        WriteDrawn(width, height, pixels, destination, sampling, augmentation.IsIdentity ? AugmentationDraw.Identity : AugmentationDraw.Next(augmentation, random!));
    }

    /// <summary>
    /// Writes <paramref name="image"/> transformed by exactly <paramref name="draw"/> (no random source; always the general path,
    /// not the direct one): what a training batch applies to one image, for tests and for comparing the device path.
    /// </summary>
    public void Write(LabeledImage image, Span<float> destination, AugmentationDraw draw)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = image.Pixels.Span;
        if (image.Width <= 0 || image.Height <= 0 || pixels.Length != image.Width * image.Height * 3)
        {
            throw new ArgumentException($"Image of {image.Width}x{image.Height} has {pixels.Length} bytes; expected {image.Width * image.Height * 3}.", nameof(image));
        }

        if (destination.Length < ValuesPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats; {ValuesPerImage} needed.", nameof(destination));
        }

        WriteDrawn(image.Width, image.Height, pixels, destination, Geometry(image.Width, image.Height), draw);
    }

    // Resize, colour jitter, then the geometry (rotation of the flipped and shifted image), normalisation, erasing.
    private void WriteDrawn(int width, int height, ReadOnlySpan<byte> pixels, Span<float> destination, Sampling sampling, AugmentationDraw draw)
    {
        var hwc = scratch is { } s && s.Length == size * size * 3 ? s : scratch = new float[size * size * 3];
        Resize(width, height, pixels, hwc, sampling);
        ColourJitter.Apply(hwc, draw);
        var (flip, dx, dy) = (draw.Flip, draw.Dx, draw.Dy);
        var rotates = draw.Rotation != 0;
        var (cos, sin) = rotates ? RandomRotation.Trigonometry(draw.Rotation) : (1.0, 0.0);

        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                // The rotated image's pixel (x, y) is the flipped and shifted image's (u, v), zero outside it.
                var (u, v) = (x, y);
                var rotatedInside = !rotates || RandomRotation.Source(x, y, size, cos, sin, out u, out v);
                var sy = v + dy;
                var sx = (flip ? size - 1 - u : u) + dx;
                var inside = rotatedInside && (uint)sx < (uint)size && (uint)sy < (uint)size;
                var source = inside ? ((sy * size) + sx) * 3 : 0;
                for (var c = 0; c < 3; c++)
                {
                    var value = inside ? hwc[source + c] : 0f;
                    destination[(c * plane) + (y * size) + x] = (value - mean[c]) * inverseStd[c];
                }
            }
        }

        if (draw.Erase is { } erase)
        {
            var (left, top, eraseWidth, eraseHeight) = erase.Pixels(size);
            for (var c = 0; c < 3; c++)
            {
                for (var y = top; y < top + eraseHeight; y++)
                {
                    destination.Slice((c * plane) + (y * size) + left, eraseWidth).Clear();
                }
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="image"/> at the input size as interleaved RGB bytes (HWC) into <paramref name="destination"/>
    /// (length 3 x size x size): the on-device path's input (<see cref="DeviceInput"/>). An image of the input size is
    /// copied as it is; another is resized (and centre-cropped where the preprocessing says so) bilinearly as <see cref="Write(LabeledImage, Span{float}, AugmentationOptions, Random?)"/>
    /// does and rounded to the nearest byte (within half a grey level of the float path's value).
    /// </summary>
    public void WriteBytes(LabeledImage image, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = image.Pixels.Span;
        if (image.Width <= 0 || image.Height <= 0 || pixels.Length != image.Width * image.Height * 3)
        {
            throw new ArgumentException($"Image of {image.Width}x{image.Height} has {pixels.Length} bytes; expected {image.Width * image.Height * 3}.", nameof(image));
        }

        if (destination.Length < ValuesPerImage)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; {ValuesPerImage} needed.", nameof(destination));
        }

        var sampling = Geometry(image.Width, image.Height);
        if (sampling.IsIdentity(image.Width, image.Height, size))
        {
            pixels.CopyTo(destination);
            return;
        }

        var hwc = scratch is { } s && s.Length == size * size * 3 ? s : scratch = new float[size * size * 3];
        Resize(image.Width, image.Height, pixels, hwc, sampling);
        for (var i = 0; i < ValuesPerImage; i++)
        {
            destination[i] = (byte)Math.Clamp(MathF.Round(hwc[i] * 255f), 0f, 255f);
        }
    }

    // The evaluation hot path (no resize, no augmentation): one fused multiply-add per value.
    private void WriteDirect(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        var plane = size * size;
        for (var c = 0; c < 3; c++)
        {
            var scale = inverseStd[c] / 255f;
            var offset = -mean[c] * inverseStd[c];
            var target = destination.Slice(c * plane, plane);
            for (var p = 0; p < plane; p++)
            {
                target[p] = (pixels[(p * 3) + c] * scale) + offset;
            }
        }
    }

    /// <summary>
    /// Where output pixels sample the source: source pixels per resized pixel along each axis, and the crop's
    /// offset in resized pixels. torchvision's Resize(int) makes the longer side int(short x long / shorter)
    /// and CenterCrop offsets by round((resized - crop) / 2).
    /// </summary>
    private Sampling Geometry(int width, int height)
    {
        var resize = Preprocessing.ResizeShorterSide;
        if (resize == 0)
        {
            return new Sampling((float)width / size, (float)height / size, 0, 0);
        }

        var (resizedWidth, resizedHeight) = width <= height
            ? (resize, (int)((long)resize * height / width))
            : ((int)((long)resize * width / height), resize);
        var left = (int)Math.Round((resizedWidth - size) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((resizedHeight - size) / 2.0, MidpointRounding.ToEven);
        return new Sampling((float)width / resizedWidth, (float)height / resizedHeight, left, top);
    }

    // Bilinear with half-pixel centres (PyTorch's align_corners=false, no antialiasing); a plain copy when
    // the geometry is the identity.
    private void Resize(int width, int height, ReadOnlySpan<byte> pixels, float[] hwc, Sampling sampling)
    {
        if (sampling.IsIdentity(width, height, size))
        {
            for (var i = 0; i < hwc.Length; i++)
            {
                hwc[i] = pixels[i] / 255f;
            }

            return;
        }

        var (scaleX, scaleY, cropLeft, cropTop) = sampling;
        for (var y = 0; y < size; y++)
        {
            var fy = Math.Clamp(((y + cropTop + 0.5f) * scaleY) - 0.5f, 0, height - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, height - 1);
            var wy = fy - y0;
            for (var x = 0; x < size; x++)
            {
                var fx = Math.Clamp(((x + cropLeft + 0.5f) * scaleX) - 0.5f, 0, width - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, width - 1);
                var wx = fx - x0;
                var i00 = ((y0 * width) + x0) * 3;
                var i01 = ((y0 * width) + x1) * 3;
                var i10 = ((y1 * width) + x0) * 3;
                var i11 = ((y1 * width) + x1) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var top = pixels[i00 + c] + ((pixels[i01 + c] - pixels[i00 + c]) * wx);
                    var bottom = pixels[i10 + c] + ((pixels[i11 + c] - pixels[i10 + c]) * wx);
                    hwc[(((y * size) + x) * 3) + c] = (top + ((bottom - top) * wy)) / 255f;
                }
            }
        }
    }

    private readonly record struct Sampling(float ScaleX, float ScaleY, int Left, int Top)
    {
        public bool IsIdentity(int width, int height, int size) =>
            width == size && height == size && ScaleX == 1f && ScaleY == 1f && Left == 0 && Top == 0;
    }
}
