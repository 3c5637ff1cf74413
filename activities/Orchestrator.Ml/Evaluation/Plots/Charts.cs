using System.Globalization;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Evaluation.Plots;

/// <summary>The evidence report's PNG plots.</summary>
public static class Charts
{
    private static readonly (byte, byte, byte) Black = (0, 0, 0);
    private static readonly (byte, byte, byte) Grey = (200, 200, 200);
    private static readonly (byte, byte, byte) Light = (235, 235, 235);
    private static readonly (byte, byte, byte) White = (255, 255, 255);
    private static readonly (byte, byte, byte) Blue = (31, 119, 180);
    private static readonly (byte, byte, byte) Orange = (255, 127, 14);
    private static readonly (byte, byte, byte) Red = (214, 39, 40);

    /// <summary>Rows are true classes, columns predicted; cell shade is the row-normalised share, text the count.</summary>
    public static byte[] ConfusionMatrix(IReadOnlyList<IReadOnlyList<int>> matrix, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        var k = matrix.Count;
        var cell = Math.Clamp(480 / Math.Max(1, k), 24, 80);
        var labelWidth = Math.Min(120, classNames.Max(n => Canvas.TextWidth(n, 2)) + 10);
        var canvas = new Canvas(labelWidth + (k * cell) + 20, 40 + (k * cell) + labelWidth);
        canvas.Text(10, 10, "CONFUSION MATRIX (ROWS TRUE, COLUMNS PREDICTED)", Black);
        for (var r = 0; r < k; r++)
        {
            var total = Math.Max(1, matrix[r].Sum());
            canvas.Text(4, 40 + (r * cell) + (cell / 2) - 7, Clip(classNames[r], labelWidth), Black, 2);
            for (var c = 0; c < k; c++)
            {
                var share = (double)matrix[r][c] / total;
                var shade = (byte)(255 - (int)(share * 200));
                canvas.FillRect(labelWidth + (c * cell), 40 + (r * cell), cell - 1, cell - 1, (shade, shade, 255));
                var text = matrix[r][c].ToString(CultureInfo.InvariantCulture);
                canvas.Text(labelWidth + (c * cell) + ((cell - Canvas.TextWidth(text)) / 2), 40 + (r * cell) + (cell / 2) - 3, text, share > 0.6 ? White : Black);
            }
        }

        for (var c = 0; c < k; c++)
        {
            canvas.Text(labelWidth + (c * cell) + 2, 44 + (k * cell), Clip(classNames[c], cell), Black);
        }

        return canvas.ToPng();
    }

    /// <summary>Train and validation loss (left panel) and accuracy (right panel) per epoch.</summary>
    public static byte[] TrainingCurves(IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var canvas = new Canvas(820, 340);
        var maxLoss = history.SelectMany(h => new[] { h.TrainLoss, h.ValidationLoss }).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        Panel(canvas, 40, "LOSS (BLUE TRAIN, ORANGE VALIDATION)", history, maxLoss, h => h.TrainLoss, h => h.ValidationLoss);
        Panel(canvas, 440, "ACCURACY (BLUE TRAIN, ORANGE VALIDATION)", history, 1, h => h.TrainAccuracy, h => h.ValidationAccuracy);
        return canvas.ToPng();
    }

    /// <summary>Accuracy against mean confidence per bin, with the diagonal of perfect calibration.</summary>
    public static byte[] ReliabilityDiagram(IReadOnlyList<ReliabilityBin> bins, double ece)
    {
        ArgumentNullException.ThrowIfNull(bins);
        const int left = 50, top = 40, size = 300;
        var canvas = new Canvas(left + size + 30, top + size + 50);
        canvas.Text(10, 10, FormattableString.Invariant($"RELIABILITY (ECE {ece:0.0000})"), Black, 2);
        Axes(canvas, left, top, size, size, 1);
        canvas.Line(left, top + size, left + size, top, Grey);
        var width = size / Math.Max(1, bins.Count);
        for (var b = 0; b < bins.Count; b++)
        {
            if (bins[b].Count == 0)
            {
                continue;
            }

            var h = (int)(bins[b].Accuracy * size);
            canvas.FillRect(left + (b * width) + 1, top + size - h, width - 2, h, Blue);
            var gapTop = top + size - (int)(bins[b].MeanConfidence * size);
            canvas.Line(left + (b * width) + 1, gapTop, left + ((b + 1) * width) - 2, gapTop, Red, 2);
        }

        canvas.Text(left, top + size + 30, "CONFIDENCE (RED: MEAN CONFIDENCE, BLUE: ACCURACY)", Black);
        return canvas.ToPng();
    }

    private static void Panel(Canvas canvas, int left, string title, IReadOnlyList<EpochMetrics> history, double maxY,
        Func<EpochMetrics, double> train, Func<EpochMetrics, double> validation)
    {
        const int top = 40, width = 340, height = 240;
        canvas.Text(left, 10, title, Black);
        Axes(canvas, left, top, width, height, maxY);
        Series(canvas, left, top, width, height, maxY, history.Select(train).ToArray(), Blue);
        Series(canvas, left, top, width, height, maxY, history.Select(validation).ToArray(), Orange);
        canvas.Text(left + (width / 2) - 15, top + height + 25, FormattableString.Invariant($"EPOCH 1-{history.Count}"), Black);
    }

    private static void Series(Canvas canvas, int left, int top, int width, int height, double maxY, double[] values, (byte, byte, byte) colour)
    {
        (int X, int Y)? previous = null;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                continue;
            }

            var x = left + (values.Length == 1 ? width / 2 : i * width / (values.Length - 1));
            var y = top + height - (int)(Math.Clamp(values[i] / maxY, 0, 1) * height);
            if (previous is { } p)
            {
                canvas.Line(p.X, p.Y, x, y, colour, 2);
            }

            canvas.FillRect(x - 2, y - 2, 5, 5, colour);
            previous = (x, y);
        }
    }

    private static void Axes(Canvas canvas, int left, int top, int width, int height, double maxY)
    {
        canvas.Line(left, top, left, top + height, Black);
        canvas.Line(left, top + height, left + width, top + height, Black);
        for (var t = 0; t <= 4; t++)
        {
            var y = top + height - (t * height / 4);
            canvas.Line(left - 4, y, left, y, Black);
            canvas.Line(left + 1, y, left + width, y, Light);
            canvas.Text(left - 36, y - 3, (maxY * t / 4).ToString("0.00", CultureInfo.InvariantCulture), Black);
        }
    }

    private static string Clip(string text, int pixels)
    {
        var max = Math.Max(1, pixels / 12);
        return text.Length <= max ? text : text[..max];
    }
}
