using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Orchestrator.Api.Console.Charts;

/// <summary>
/// Charts drawn on the server as inline SVG with presentation attributes only (the console's Content-Security-Policy
/// allows no inline style and no script): each has a title and a description for screen readers, and the page shows the
/// same numbers in a table beside it.
/// </summary>
public static class SvgCharts
{
    private const int Width = 560;
    private const int BarHeight = 22;
    private const int LabelWidth = 170;

    /// <summary>Horizontal bars of values in [0, max], with an optional bound drawn as a line.</summary>
    public static IHtmlContent Bars(string title, IReadOnlyList<(string Label, double Value)> bars, double max = 1, double? bound = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var height = (bars.Count * BarHeight) + 30;
        var plot = Width - LabelWidth - 60;
        var svg = Open(title, $"{bars.Count} bars: " + string.Join(", ", bars.Select(b => $"{b.Label} {N(b.Value)}")), height);
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = (i * BarHeight) + 6;
            var length = double.IsFinite(value) ? Math.Clamp(value / max, 0, 1) * plot : 0;
            svg.Append(Inv($"<text x=\"{LabelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1f2933\">{E(label)}</text>"));
            svg.Append(Inv($"<rect x=\"{LabelWidth}\" y=\"{y + 3}\" width=\"{length:0.#}\" height=\"{BarHeight - 8}\" fill=\"#2f6f9f\"/>"));
            svg.Append(Inv($"<text x=\"{LabelWidth + length + 4:0.#}\" y=\"{y + 15}\" font-size=\"12\" fill=\"#1f2933\">{N(value)}</text>"));
        }

        if (bound is { } b && double.IsFinite(b))
        {
            var x = LabelWidth + (Math.Clamp(b / max, 0, 1) * plot);
            svg.Append(Inv($"<line x1=\"{x:0.#}\" y1=\"2\" x2=\"{x:0.#}\" y2=\"{height - 22}\" stroke=\"#b42318\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"));
            svg.Append(Inv($"<text x=\"{x:0.#}\" y=\"{height - 8}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#b42318\">bound {N(b)}</text>"));
        }

        return Close(svg);
    }

    /// <summary>A series over time (points in order), with an optional threshold line.</summary>
    public static IHtmlContent Line(string title, IReadOnlyList<(DateTimeOffset At, double Value)> points, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        const int height = 200;
        const int left = 56, right = 16, top = 12, bottom = 34;
        var svg = Open(title, $"{points.Count} measurements from {(points.Count > 0 ? points[0].At.ToString("u", CultureInfo.InvariantCulture) : "none")}"
            + (threshold is { } t0 ? $"; threshold {N(t0)}" : ""), height);
        var finite = points.Where(p => double.IsFinite(p.Value)).ToList();
        var max = Math.Max(finite.Count == 0 ? 1 : finite.Max(p => p.Value), threshold ?? 0) * 1.1;
        max = max <= 0 ? 1 : max;
        double X(int i) => left + (points.Count <= 1 ? 0 : i * (Width - left - right) / (double)(points.Count - 1));
        double Y(double v) => top + ((1 - Math.Clamp(v / max, 0, 1)) * (height - top - bottom));
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{Width - right}\" y2=\"{height - bottom}\" stroke=\"#52606d\"/>"));
        svg.Append(Inv($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#52606d\"/>"));
        svg.Append(Inv($"<text x=\"{left - 6}\" y=\"{top + 10}\" text-anchor=\"end\" font-size=\"11\" fill=\"#1f2933\">{N(max)}</text>"));
        svg.Append(Inv($"<text x=\"{left - 6}\" y=\"{height - bottom}\" text-anchor=\"end\" font-size=\"11\" fill=\"#1f2933\">0</text>"));
        if (threshold is { } t && double.IsFinite(t))
        {
            svg.Append(Inv($"<line x1=\"{left}\" y1=\"{Y(t):0.#}\" x2=\"{Width - right}\" y2=\"{Y(t):0.#}\" stroke=\"#b42318\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>"));
            svg.Append(Inv($"<text x=\"{Width - right}\" y=\"{Y(t) - 4:0.#}\" text-anchor=\"end\" font-size=\"11\" fill=\"#b42318\">threshold {N(t)}</text>"));
        }

        if (points.Count > 0)
        {
            var path = string.Join(" ", points.Select((p, i) => Inv($"{X(i):0.#},{Y(double.IsFinite(p.Value) ? p.Value : 0):0.#}")));
            svg.Append(Inv($"<polyline points=\"{path}\" fill=\"none\" stroke=\"#2f6f9f\" stroke-width=\"2\"/>"));
            for (var i = 0; i < points.Count; i++)
            {
                svg.Append(Inv($"<circle cx=\"{X(i):0.#}\" cy=\"{Y(double.IsFinite(points[i].Value) ? points[i].Value : 0):0.#}\" r=\"3\" fill=\"#2f6f9f\"/>"));
            }

            svg.Append(Inv($"<text x=\"{left}\" y=\"{height - 12}\" font-size=\"11\" fill=\"#1f2933\">{points[0].At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}</text>"));
            svg.Append(Inv($"<text x=\"{Width - right}\" y=\"{height - 12}\" text-anchor=\"end\" font-size=\"11\" fill=\"#1f2933\">{points[^1].At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}</text>"));
        }

        return Close(svg);
    }

    /// <summary>A number as the console prints it.</summary>
    public static string N(double value) => double.IsNaN(value) ? "not measured" : value.ToString("0.####", CultureInfo.InvariantCulture);

    private static StringBuilder Open(string title, string description, int height)
    {
        var id = "chart-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        return new StringBuilder(Inv($"<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">"))
            .Append(Inv($"<title id=\"{id}-t\">{E(title)}</title><desc id=\"{id}-d\">{E(description)}</desc>"));
    }

    private static HtmlString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
