namespace Orchestrator.Contracts;

/// <summary>What a dataset's labels are and so what a model trained on it predicts.</summary>
public enum TaskKind
{
    /// <summary>Every item has exactly one class; the model answers a probability distribution (softmax).</summary>
    SingleLabel,

    /// <summary>Every item has a set of labels, possibly empty; the model answers one independent probability per label (sigmoid).</summary>
    MultiLabel,
}
