using FluentValidation;
using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Http;

/// <summary>
/// Runs the FluentValidation validator of a request body before the handler, so a rejected request
/// answers 400 validation problem details and the handler (which persists) never runs.
/// </summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
    where T : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Arguments.OfType<T>().FirstOrDefault() is not { } request)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON request body is required."] });
        }

        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : Problems.Validation(result.ToDictionary());
    }
}

/// <summary>Problem results with the API's stable types.</summary>
public static class Problems
{
    /// <summary>400 with the failures per field.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.", type: ProblemTypes.Validation);

    /// <summary>400 for one field.</summary>
    public static IResult Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>400 for weights that cannot be imported; <paramref name="key"/> (and <paramref name="problem"/>) name the first key that does not fit.</summary>
    public static IResult WeightsRefused(string detail, string? key, string? problem) =>
        TypedResults.Problem(detail, statusCode: 400, title: "The weights cannot be imported.", type: key is null ? ProblemTypes.BadRequest : ProblemTypes.WeightsMismatch,
            extensions: key is null ? null : new Dictionary<string, object?> { ["key"] = key, ["problem"] = problem });

    public static IResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: 404, title: "Not found", type: ProblemTypes.NotFound);

    public static IResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: 409, title: "Conflict", type: ProblemTypes.Conflict);

    public static IResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: 403, title: "Forbidden", type: ProblemTypes.Forbidden);

    public static IResult Unavailable(string detail) => TypedResults.Problem(detail, statusCode: 503, title: "Service unavailable", type: ProblemTypes.Unavailable);
}

/// <summary>Endpoint conventions.</summary>
public static class EndpointConventions
{
    /// <summary>Validates the <typeparamref name="T"/> body with its validator before the handler runs.</summary>
    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder builder) where T : class =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}
