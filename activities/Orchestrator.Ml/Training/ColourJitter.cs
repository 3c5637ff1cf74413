namespace Orchestrator.Ml.Training;

/// <summary>Brightness, contrast and saturation jitter on an HWC image with values in [0,1].</summary>
internal static class ColourJitter
{
    public static void Apply(Span<float> hwc, AugmentationOptions options, Random random)
    {
        var brightness = Factor(options.Brightness, random);
        var contrast = Factor(options.Contrast, random);
        var saturation = Factor(options.Saturation, random);
        if (brightness == 1 && contrast == 1 && saturation == 1)
        {
            return;
        }

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

    private static float Factor(float amount, Random random) =>
        amount <= 0 ? 1f : 1f + (((float)random.NextDouble() * 2f) - 1f) * amount;

    private static float Grey(Span<float> hwc, int i) => (0.299f * hwc[i]) + (0.587f * hwc[i + 1]) + (0.114f * hwc[i + 2]);
}
