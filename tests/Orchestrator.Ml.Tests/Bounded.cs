namespace Orchestrator.Ml.Tests;

/// <summary>
/// Runs code that used to loop forever on bad input on a worker thread and fails the test when it does not
/// finish in time, so a regression fails the run instead of hanging it. The bound is generous (the work takes
/// microseconds) because the suite must hold on a loaded machine.
/// </summary>
internal static class Bounded
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>The result of <paramref name="work"/>, or its exception; a TimeoutException when it runs past the limit.</summary>
    public static async Task<T> Run<T>(Func<T> work)
    {
        var task = Task.Run(work, TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(task, Task.Delay(Limit, TestContext.Current.CancellationToken));
        return finished == task
            ? await task
            : throw new TimeoutException($"Did not finish within {Limit.TotalSeconds:0} s: the computation loops on this input.");
    }

    /// <summary>Like <see cref="Run{T}"/> for work without a result.</summary>
    public static Task Run(Action work) => Run(() =>
    {
        work();
        return true;
    });
}
