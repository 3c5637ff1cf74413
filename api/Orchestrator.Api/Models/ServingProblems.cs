using Orchestrator.Api.Errors;
using Orchestrator.Api.Http;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Api.Models;

/// <summary>The stable problem types of serving and model operations, beyond the API's common ones.</summary>
public static class ServingProblems
{
    private const string Base = "https://orchestrator.dev/problems/";

    /// <summary>410: the version was decommissioned; the problem names the successor.</summary>
    public const string Decommissioned = Base + "model-version-decommissioned";

    /// <summary>503: serving of the model is halted by an emergency stop.</summary>
    public const string Stopped = Base + "model-stopped";

    /// <summary>503: the version could not run the request (it counts as an error in monitoring).</summary>
    public const string InferenceFailed = Base + "inference-failed";

    /// <summary>500: the version ran but answered NaN or infinite outputs (it counts as an error in monitoring).</summary>
    public const string InvalidModelOutput = Base + "model-output-not-finite";

    /// <summary>400: an image could not be decoded.</summary>
    public const string UndecodableImage = Base + "undecodable-image";

    /// <summary>The problem for a refused route.</summary>
    public static IResult For(RouteDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Kind switch
        {
            RouteKind.NotFound => Problems.NotFound(decision.Detail),
            RouteKind.NotApproved => Problems.Conflict(decision.Detail),
            RouteKind.Stopped => TypedResults.Problem(decision.Detail, statusCode: 503, title: "Model stopped", type: Stopped),
            RouteKind.Gone => TypedResults.Problem(decision.Detail, statusCode: 410, title: "Model version decommissioned", type: Decommissioned,
                extensions: new Dictionary<string, object?> { ["successor"] = decision.Successor }),
            _ => TypedResults.Problem(decision.Detail, statusCode: 500, title: "Internal error", type: ProblemTypes.Internal),
        };
    }

    public static IResult BadRequest(string detail, string type = ProblemTypes.BadRequest) =>
        TypedResults.Problem(detail, statusCode: 400, title: "Bad request", type: type);

    public static IResult TooLarge(string detail) => TypedResults.Problem(detail, statusCode: 413, title: "Payload too large", type: ProblemTypes.PayloadTooLarge);

    public static IResult Unsupported(string detail) =>
        TypedResults.Problem(detail, statusCode: 415, title: "Unsupported media type", type: ProblemTypes.UnsupportedMediaType);
}
