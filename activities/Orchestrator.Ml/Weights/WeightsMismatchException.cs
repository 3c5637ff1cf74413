namespace Orchestrator.Ml.Weights;

/// <summary>What is wrong with one key of a checkpoint, measured against an architecture.</summary>
public enum WeightsProblem
{
    /// <summary>The architecture has the key; the checkpoint does not.</summary>
    MissingKey,

    /// <summary>The checkpoint has a key the architecture does not.</summary>
    UnexpectedKey,

    /// <summary>Both have the key with different shapes (apart from a head's class count).</summary>
    WrongShape,

    /// <summary>A weight stored as integers, or a counter stored as floats.</summary>
    WrongType,
}

/// <summary>
/// A checkpoint that does not fit the architecture it was imported for. <see cref="Key"/> is the first bad
/// key (the architecture's keys in state-dict order, parameters before buffers, then the checkpoint's extra
/// keys in ordinal order), and the message names it; <see cref="ProblemCount"/> counts every bad key.
/// </summary>
public sealed class WeightsMismatchException(string key, WeightsProblem problem, int problemCount, string message)
    : Exception(message)
{
    /// <summary>The first bad key.</summary>
    public string Key { get; } = key;

    /// <summary>What is wrong with <see cref="Key"/>.</summary>
    public WeightsProblem Problem { get; } = problem;

    /// <summary>How many keys are wrong in all.</summary>
    public int ProblemCount { get; } = problemCount;
}
