namespace Orchestrator.Operations.Models;

/// <summary>One event to append to the model's stream under its idempotency key.</summary>
public sealed record ModelFact(object Event, string Key);

/// <summary>Why a decision was refused: a conflict with the model's state, or (<paramref name="NotFound"/>) nothing to act on.</summary>
public sealed record ModelRefusal(string Message, bool NotFound);

/// <summary>What <see cref="ModelDecider"/> decided: the facts to append in order and the caller's outcome, or a refusal.</summary>
public sealed record ModelDecision<TOutcome>(TOutcome Outcome, IReadOnlyList<ModelFact> Facts, ModelRefusal? Refusal = null)
{
    /// <summary>True when the decision was refused (nothing is appended).</summary>
    public bool Refused => Refusal is not null;
}

/// <summary>The three kinds of <see cref="ModelDecision{TOutcome}"/>.</summary>
public static class ModelDecision
{
    /// <summary>A refusal: nothing is recorded.</summary>
    public static ModelDecision<TOutcome> Refuse<TOutcome>(string message, bool notFound = false) => new(default!, [], new ModelRefusal(message, notFound));

    /// <summary>Nothing to record (already recorded, or nothing to do); <paramref name="outcome"/> is the answer.</summary>
    public static ModelDecision<TOutcome> Done<TOutcome>(TOutcome outcome) => new(outcome, []);

    /// <summary>Record <paramref name="facts"/>; <paramref name="outcome"/> is the answer once they are recorded.</summary>
    public static ModelDecision<TOutcome> Record<TOutcome>(TOutcome outcome, params ModelFact[] facts) => new(outcome, facts);
}
