using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Ml.Models;

namespace Orchestrator.Benchmarks.Gpu;

/// <summary>
/// infra/gpu/peer.py, the same network, image size and batch in plain PyTorch, run by the host's python3 where it
/// imports torch with CUDA (every GPU host with PyTorch). Its path: ORCHESTRATOR_GPU_PEER, else infra/gpu/peer.py
/// above this program's directory (a checkout) or beside it (the bundle).
/// </summary>
internal static partial class PyTorchPeer
{
    /// <summary>The peer's script, or null and why not.</summary>
    public static string? Script(out string reason)
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_GPU_PEER") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        candidates.Add(Path.Combine(AppContext.BaseDirectory, "peer.py"));
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            candidates.Add(Path.Combine(directory.FullName, "infra", "gpu", "peer.py"));
        }

        var found = candidates.FirstOrDefault(File.Exists);
        reason = found is null ? $"infra/gpu/peer.py not found (set ORCHESTRATOR_GPU_PEER); looked in {string.Join(", ", candidates.Take(3))}, ..." : "";
        return found;
    }

    /// <summary>Training samples per second of the peer, or null and why not (no python3, no torch, no CUDA, a failure).</summary>
    public static double? Run(string script, ModelSpec spec, int images, int epochs, int batchSize, bool amp, bool channelsLast, out string detail)
    {
        var arguments = new List<string>
        {
            script, $"{images}", $"{spec.InputSize}", $"{spec.Width}", $"{spec.BlocksPerStage}", $"{spec.Stages}", $"{epochs}", $"{batchSize}",
        };
        if (amp)
        {
            arguments.Add("--amp");
        }

        if (channelsLast)
        {
            arguments.Add("--channels-last");
        }

        try
        {
            using var python = Process.Start(new ProcessStartInfo("python3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = python.StandardOutput.ReadToEndAsync();
            var error = python.StandardError.ReadToEndAsync();
            python.WaitForExit();
            var line = output.Result.Split('\n').LastOrDefault(l => l.StartsWith("PEER ", StringComparison.Ordinal));
            var rate = line is null ? null : Rate().Match(line);
            if (python.ExitCode != 0 || rate is not { Success: true })
            {
                detail = $"peer.py exited {python.ExitCode}: {error.Result.Trim().Split('\n').LastOrDefault() ?? ""}";
                return null;
            }

            detail = line!;
            return double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            detail = $"no python3: {e.Message}";
            return null;
        }
    }

    [GeneratedRegex(@"samples_per_s=([0-9.]+)")]
    private static partial Regex Rate();
}
