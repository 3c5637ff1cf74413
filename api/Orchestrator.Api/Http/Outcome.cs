namespace Orchestrator.Api.Http;

/// <summary>How a request that changes something ended; the API answers each with its status, the console with a message.</summary>
public enum OutcomeKind
{
    /// <summary>Done (and recorded).</summary>
    Done,

    /// <summary>No such resource (404).</summary>
    NotFound,

    /// <summary>Not allowed for this caller, whatever the roles say (403).</summary>
    Forbidden,

    /// <summary>The resource is not in a state that allows it (409).</summary>
    Conflict,

    /// <summary>A backend did not answer; what is recorded is said in the detail (503).</summary>
    Unavailable,
}

/// <summary>
/// The result of an operation shared by an API endpoint and the console: the value when done, else why not in one
/// sentence. One decision, two presentations: the endpoint maps it to problem details, the console shows the sentence.
/// </summary>
public sealed record Outcome<T>(OutcomeKind Kind, string Detail, T? Value) where T : class
{
    /// <summary>The API's answer: <paramref name="done"/> of the value, else the problem of the kind.</summary>
    public IResult ToResult(Func<T, IResult> done) => Kind switch
    {
        OutcomeKind.Done => done(Value!),
        OutcomeKind.NotFound => Problems.NotFound(Detail),
        OutcomeKind.Forbidden => Problems.Forbidden(Detail),
        OutcomeKind.Conflict => Problems.Conflict(Detail),
        _ => Problems.Unavailable(Detail),
    };
}

/// <summary>Builds <see cref="Outcome{T}"/>s.</summary>
public static class Outcome
{
    public static Outcome<T> Done<T>(T value) where T : class => new(OutcomeKind.Done, "", value);

    public static Outcome<T> Refused<T>(OutcomeKind kind, string detail) where T : class => new(kind, detail, null);
}
