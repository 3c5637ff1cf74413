using System.Globalization;

namespace Orchestrator.Ml.Devices;

/// <summary>
/// What the host CPU offers the native math libraries and what this process lets them use: the vendor,
/// family and model from /proc/cpuinfo, whether AVX-512 (and VP2INTERSECT, the Zen 5 marker) is there, and
/// the oneDNN ISA limit from the process environment (<c>DNNL_MAX_CPU_ISA</c>, read by libtorch at load).
/// </summary>
public sealed record CpuCapability(string Model, string Vendor, int? Family, int? ModelNumber, bool Avx512, bool Vp2Intersect, string? IsaLimit)
{
    /// <summary>The environment variable oneDNN reads once, when libtorch loads.</summary>
    public const string IsaLimitVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>This host and this process.</summary>
    public static CpuCapability Current { get; } = Read("/proc/cpuinfo", Environment.GetEnvironmentVariable(IsaLimitVariable));

    /// <summary>Parses the first processor block of a cpuinfo text; unknown fields stay empty.</summary>
    public static CpuCapability Read(string cpuinfoPath, string? isaLimit)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(cpuinfoPath))
        {
            foreach (var line in File.ReadLines(cpuinfoPath))
            {
                if (line.Length == 0 && fields.Count > 0)
                {
                    break;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
                }
            }
        }

        var flags = fields.GetValueOrDefault("flags", "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new CpuCapability(
            fields.GetValueOrDefault("model name", "unknown"),
            fields.GetValueOrDefault("vendor_id", "unknown"),
            Number(fields.GetValueOrDefault("cpu family")),
            Number(fields.GetValueOrDefault("model")),
            flags.Contains("avx512f"),
            flags.Contains("avx512_vp2intersect"),
            string.IsNullOrWhiteSpace(isaLimit) ? null : isaLimit.Trim());
    }

    /// <summary>One line for the training evidence and /readyz.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"cpu=\"{Model}\" family={Family?.ToString(CultureInfo.InvariantCulture) ?? "?"} model={ModelNumber?.ToString(CultureInfo.InvariantCulture) ?? "?"} " +
        $"avx512={(Avx512 ? Vp2Intersect ? "yes(vp2intersect)" : "yes" : "no")} {IsaLimitVariable}={IsaLimit ?? "unset"}");

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
