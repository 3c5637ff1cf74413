using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Cli.Demo;

/// <summary>A step of the demo failed: what failed, said in one line.</summary>
public sealed class DemoFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Prints each step of the demo with its start offset and duration, and remembers which steps finished,
/// so a failure can say exactly how far the demo got.
/// </summary>
public sealed class DemoLog(TextWriter writer)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _reached = [];

    /// <summary>Time since the demo started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The steps that finished, in order.</summary>
    public IReadOnlyList<string> Reached => _reached;

    /// <summary>The step being run, named in a failure.</summary>
    public string? Current { get; private set; }

    /// <summary>Runs one step: prints its title, then its duration once it is done.</summary>
    public async Task<T> StepAsync<T>(string title, Func<Task<T>> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        Current = title;
        var started = _clock.Elapsed;
        writer.WriteLine();
        writer.WriteLine($"[{Stamp(started)}] {title}");
        var result = await step();
        _reached.Add(title);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Stamp(_clock.Elapsed)}]   done in {(_clock.Elapsed - started).TotalSeconds:0.0} s"));
        Current = null;
        return result;
    }

    /// <summary>As <see cref="StepAsync{T}"/> for steps with no result.</summary>
    public Task StepAsync(string title, Func<Task> step) =>
        StepAsync(title, async () =>
        {
            await step();
            return true;
        });

    /// <summary>A detail line under the current step.</summary>
    public void Info(string text) => writer.WriteLine($"          {text}");

    /// <summary>A progress line with the current time offset.</summary>
    public void Progress(string text) => writer.WriteLine($"[{Stamp(_clock.Elapsed)}]   {text}");

    /// <summary>mm:ss of <paramref name="at"/>.</summary>
    public static string Stamp(TimeSpan at) => string.Create(CultureInfo.InvariantCulture, $"{(int)at.TotalMinutes:00}:{at.Seconds:00}");
}
