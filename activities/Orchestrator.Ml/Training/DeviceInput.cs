using Orchestrator.Ml.Models;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Turns a batch of input-size RGB bytes (N x H x W x 3, uint8) into the model's input on its device: the same
/// arithmetic as <see cref="ImagePreprocessor"/> (scaling, colour jitter, flip, pad-and-crop, rotation, per-channel
/// normalisation, random erasing), op for op, as a few tensor operations on the whole batch. Only bytes cross to the device
/// (a quarter of the float32 volume) and the CPU does no per-pixel work. On the CPU the result equals the
/// preprocessor's to float rounding (docs/adr/0032-gpu-data-path-and-precision.md).
/// </summary>
public sealed class DeviceInput : IDisposable
{
    private readonly Tensor mean;
    private readonly Tensor inverseStd;
    private readonly Tensor directScale;
    private readonly Tensor directOffset;
    private readonly Device device;

    public DeviceInput(Preprocessing preprocessing, Device device)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(device);
        this.device = device;
        // The preprocessor's constants, computed the same way in float32 so both paths round alike.
        var m = preprocessing.Mean.ToArray();
        var inv = preprocessing.Std.Select(s => 1f / s).ToArray();
        mean = Channels(m);
        inverseStd = Channels(inv);
        directScale = Channels(inv.Select(i => i / 255f).ToArray());
        directOffset = Channels(m.Select((v, c) => -v * inv[c]).ToArray());
    }

    /// <summary>
    /// The normalised NCHW float32 batch on the device. <paramref name="pixels"/> is N x H x W x 3 uint8 (on the
    /// host, pinned for a CUDA device, or already on the device); <paramref name="draws"/> is null for no
    /// augmentation (evaluation), else one draw per image.
    /// </summary>
    public Tensor ToModelInput(Tensor pixels, IReadOnlyList<AugmentationDraw>? draws, AugmentationOptions augmentation)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(augmentation);
        using var scope = NewDisposeScope();
        using var k = new HeldScalars();
        var nchw = pixels.to(device, non_blocking: true).permute(0, 3, 1, 2).to(ScalarType.Float32);
        if (draws is null || augmentation.IsIdentity)
        {
            // ImagePreprocessor's direct path: value * (1/std/255) + (-mean/std), as two separate roundings.
            return nchw.mul(directScale).add_(directOffset, HeldScalars.One).MoveToOuterDisposeScope();
        }

        var x = nchw.div(k[255f]);
        if (augmentation.Brightness > 0 || augmentation.Contrast > 0 || augmentation.Saturation > 0)
        {
            x = Jitter(x, draws, k);
        }

        if (augmentation.HorizontalFlip || augmentation.CropPadding > 0)
        {
            x = FlipAndShift(x, draws, k);
        }

        if (augmentation.Rotation > 0)
        {
            x = Rotate(x, draws, k);
        }

        var normalised = (x - mean) * inverseStd;
        if (augmentation.RandomErasing > 0)
        {
            normalised = Erase(normalised, draws);
        }

        return normalised.MoveToOuterDisposeScope();
    }

    // ImagePreprocessor.Write's erasing: the drawn rectangle of the normalised image set to zero.
    private Tensor Erase(Tensor x, IReadOnlyList<AugmentationDraw> draws)
    {
        var size = (int)x.shape[3];
        var keep = ones([x.shape[0], 1, x.shape[2], x.shape[3]], ScalarType.Float32, device);
        for (var i = 0; i < draws.Count; i++)
        {
            if (draws[i].Erase is { } erase)
            {
                var (left, top, width, height) = erase.Pixels(size);
                keep[i, 0, TensorIndex.Slice(top, top + height), TensorIndex.Slice(left, left + width)] = 0f;
            }
        }

        return x * keep;
    }

    public void Dispose()
    {
        mean.Dispose();
        inverseStd.Dispose();
        directScale.Dispose();
        directOffset.Dispose();
    }

    // ColourJitter.Apply per image: brightness, then saturation towards the pixel's grey, then contrast around the
    // image's mean grey, clamped to [0,1]; images whose three factors are all 1 are left untouched, as there.
    private Tensor Jitter(Tensor x, IReadOnlyList<AugmentationDraw> draws, HeldScalars k)
    {
        var brightness = PerImage(draws.Select(d => d.Brightness));
        var contrast = PerImage(draws.Select(d => d.Contrast));
        var saturation = PerImage(draws.Select(d => d.Saturation));
        var changes = tensor(draws.Select(d => d.ChangesColour).ToArray()).to(device).view(-1, 1, 1, 1);
        var pixelsPerImage = x.shape[2] * x.shape[3];
        var greyRaw = x.narrow(1, 0, 1).mul(k[ColourJitter.Red])
            .add(x.narrow(1, 1, 1).mul(k[ColourJitter.Green]), HeldScalars.One)
            .add(x.narrow(1, 2, 1).mul(k[ColourJitter.Blue]), HeldScalars.One);
        var meanGrey = (greyRaw.sum([2, 3], keepdim: true) * brightness).div(k[pixelsPerImage]);
        var grey = greyRaw * brightness;
        var v = x * brightness;
        v = grey.add((v - grey) * saturation, HeldScalars.One);
        v = meanGrey.add((v - meanGrey) * contrast, HeldScalars.One);
        return where(changes, v.clamp(k[0f], k[1f]), x);
    }

    // Output pixel (y, x) takes source (y + dy, (flip ? W-1-x : x) + dx), zero outside the image.
    private Tensor FlipAndShift(Tensor x, IReadOnlyList<AugmentationDraw> draws, HeldScalars k)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var columns = arange(HeldScalars.Zero, k[w], HeldScalars.One, ScalarType.Int64, device).view(1, -1);
        var rows = arange(HeldScalars.Zero, k[h], HeldScalars.One, ScalarType.Int64, device).view(1, -1);
        var flip = tensor(draws.Select(d => d.Flip).ToArray()).to(device).view(-1, 1);
        var dx = tensor(draws.Select(d => (long)d.Dx).ToArray()).to(device).view(-1, 1);
        var dy = tensor(draws.Select(d => (long)d.Dy).ToArray()).to(device).view(-1, 1);
        var sourceX = where(flip, columns.neg().add_(k[w - 1], HeldScalars.One), columns).add(dx, HeldScalars.One);
        var sourceY = rows.add(dy, HeldScalars.One);
        var insideX = sourceX.ge(HeldScalars.Zero).logical_and(sourceX.lt(k[w]));
        var insideY = sourceY.ge(HeldScalars.Zero).logical_and(sourceY.lt(k[h]));
        var shifted = x.gather(3, sourceX.clamp(HeldScalars.Zero, k[w - 1]).view(n, 1, 1, w).expand(n, 3, h, w))
            .gather(2, sourceY.clamp(HeldScalars.Zero, k[h - 1]).view(n, 1, h, 1).expand(n, 3, h, w));
        var inside = insideY.view(n, 1, h, 1).logical_and(insideX.view(n, 1, 1, w));
        return shifted.masked_fill(inside.logical_not(), k[0f]);
    }

    // RandomRotation.Source for every pixel of every image: the same float64 operations in the same order, so the same
    // nearest source pixel; images drawn without a rotation (angle 0) map every pixel onto itself.
    private Tensor Rotate(Tensor x, IReadOnlyList<AugmentationDraw> draws, HeldScalars k)
    {
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var trigonometry = draws.Select(d => RandomRotation.Trigonometry(d.Rotation)).ToArray();
        var cos = tensor(trigonometry.Select(t => t.Cos).ToArray()).to(device).view(-1, 1, 1);
        var sin = tensor(trigonometry.Select(t => t.Sin).ToArray()).to(device).view(-1, 1, 1);
        var centre = (w - 1) / 2.0;
        var dx = arange(HeldScalars.Zero, k[w], HeldScalars.One, ScalarType.Float64, device).sub_(k[centre]).view(1, 1, w);
        var dy = arange(HeldScalars.Zero, k[h], HeldScalars.One, ScalarType.Float64, device).sub_(k[centre]).view(1, h, 1);
        var u = ((cos * dx) - (sin * dy)).add_(k[centre], HeldScalars.One).add_(k[0.5], HeldScalars.One).floor().to(ScalarType.Int64);
        var v = (sin * dx).add(cos * dy, HeldScalars.One).add_(k[centre], HeldScalars.One).add_(k[0.5], HeldScalars.One).floor().to(ScalarType.Int64);
        var inside = u.ge(HeldScalars.Zero).logical_and(u.lt(k[w])).logical_and(v.ge(HeldScalars.Zero)).logical_and(v.lt(k[h])).view(n, 1, h * w);
        var index = v.clamp(HeldScalars.Zero, k[h - 1]).mul(k[w]).add(u.clamp(HeldScalars.Zero, k[w - 1]), HeldScalars.One).view(n, 1, h * w).expand(n, 3, h * w);
        var rotated = x.reshape(n, 3, h * w).gather(2, index).masked_fill(inside.logical_not(), k[0f]);
        return rotated.view(n, 3, h, w);
    }

    private Tensor PerImage(IEnumerable<float> values) => tensor(values.ToArray()).to(device).view(-1, 1, 1, 1);

    private Tensor Channels(float[] values) => tensor(values).to(device).view(1, 3, 1, 1).DetachFromDisposeScope();
}
