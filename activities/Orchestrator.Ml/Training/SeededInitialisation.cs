using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// Builds a network from libtorch's global generator under a seed, one construction at a time in the process.
/// TorchSharp modules draw their initial weights from that generator and take no other, so two trainings
/// starting at once in one worker (or two test classes) would otherwise interleave their draws and neither
/// would get the weights its seed promises.
/// </summary>
public static class SeededInitialisation
{
    private static readonly Lock Gate = new();

    /// <summary>Seeds the global generator with <paramref name="seed"/> and runs <paramref name="create"/>, alone.</summary>
    public static T Create<T>(long seed, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (Gate)
        {
            random.manual_seed(seed);
            return create();
        }
    }
}
