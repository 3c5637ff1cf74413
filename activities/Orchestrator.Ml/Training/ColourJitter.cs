namespace Orchestrator.Ml.Training;

/// <summary>Brightness, contrast and saturation jitter on an HWC image with values in [0,1].</summary>
internal static class ColourJitter
{
    /// <summary>The luma weights of the grey an image is desaturated towards (ITU-R BT.601); <see cref="DeviceInput"/> uses the same.</summary>
    public const float Red = 0.299f, Green = 0.587f, Blue = 0.114f;

    public static void Apply(Span<float> hwc, AugmentationDraw draw)
    {
        if (!draw.ChangesColour)
        {
            return;
        }

        var (brightness, contrast, saturation) = (draw.Brightness, draw.Contrast, draw.Saturation);
        var meanGrey = 0f;
        for (var i = 0; i < hwc.Length; i += 3)
        {
            meanGrey += Grey(hwc, i);
        }

        meanGrey = meanGrey * brightness / (hwc.Length / 3);
        for (var i = 0; i < hwc.Length; i += 3)
        {
            var grey = Grey(hwc, i) * brightness;
            for (var c = 0; c < 3; c++)
            {
                var v = hwc[i + c] * brightness;
                v = grey + ((v - grey) * saturation);
                v = meanGrey + ((v - meanGrey) * contrast);
                hwc[i + c] = Math.Clamp(v, 0f, 1f);
            }
        }
    }

    private static float Grey(Span<float> hwc, int i) => (Red * hwc[i]) + (Green * hwc[i + 1]) + (Blue * hwc[i + 2]);
}
