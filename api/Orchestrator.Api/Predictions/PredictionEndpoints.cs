using FluentValidation;
using Microsoft.Extensions.Options;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Models;
using Orchestrator.Client;
using Orchestrator.Operations.Serving;

namespace Orchestrator.Api.Predictions;

/// <summary>POST /api/predictions/{id}/feedback: the true label a human reviewer assigned.</summary>
public sealed record FeedbackRequest(string Label);

public sealed class FeedbackRequestValidator : AbstractValidator<FeedbackRequest>
{
    public FeedbackRequestValidator() =>
        RuleFor(r => r.Label).NotEmpty().MaximumLength(200).Must(l => l is not null && !l.Any(char.IsControl)).WithMessage("Label must be 1-200 characters without control characters.");
}

/// <summary>One image's answer; a multi-label model's also lists the labels it assigns (<paramref name="Labels"/>; Label is then that set joined with '|').</summary>
public sealed record PredictionItem(Guid PredictionId, string Label, double Confidence, IReadOnlyDictionary<string, double> Probabilities,
    IReadOnlyList<PredictedLabel>? Labels = null);

/// <summary>A label a multi-label model assigns to an image (its probability reached the label's recorded threshold).</summary>
public sealed record PredictedLabel(string Label, double Probability);

/// <summary>The predict answer: the version that served (and by which route) and one prediction per image.</summary>
public sealed record PredictResponse(string Model, int Version, string Route, IReadOnlyList<PredictionItem> Predictions);

/// <summary>The feedback answer, with the version's online accuracy so far.</summary>
public sealed record FeedbackResponse(Guid PredictionId, string Model, int Version, string? Predicted, string Label, bool Correct, double OnlineAccuracy, int Labelled);

/// <summary>Online prediction and reviewer feedback.</summary>
public static class PredictionEndpoints
{
    /// <summary>Who may give feedback: the people who review predictions.</summary>
    public const string FeedbackPolicy = "prediction-feedback";

    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/{name}/predict", (string name, HttpContext http, ModelServer server, IOptions<ServingOptions> options, IOptions<PredictLimits> limits, DecodeSlots slots) =>
            PredictAsync(name, null, http, server, options.Value, limits.Value, slots)).WithTags("Predictions").RequireAuthorization(AccessPolicies.Predict)
            .WithSummary("Predict with the production alias (canary split honoured): PNG/JPEG body or JSON {\"images\":[base64...]}.");
        app.MapPost("/api/models/{name}/versions/{version:int}/predict", (string name, int version, HttpContext http, ModelServer server, IOptions<ServingOptions> options, IOptions<PredictLimits> limits, DecodeSlots slots) =>
            PredictAsync(name, version, http, server, options.Value, limits.Value, slots)).WithTags("Predictions").RequireAuthorization(AccessPolicies.Predict)
            .WithSummary("Predict with one approved version.");
        app.MapPost("/api/predictions/{id:guid}/feedback", FeedbackAsync).WithTags("Predictions")
            .RequireAuthorization(p => p.RequireRole(Roles.MlEngineer, Roles.Approver, Roles.Admin)).Validated<FeedbackRequest>()
            .WithSummary("Record the true label of a logged prediction (online accuracy).");
        return app;
    }

    /// <summary>
    /// The route is decided before the body is read (a request for a missing, stopped or retired model costs one
    /// registry read), headers are checked before anything is decoded, and decoding waits for a slot.
    /// </summary>
    private static async Task<IResult> PredictAsync(string name, int? version, HttpContext http, ModelServer server, ServingOptions options, PredictLimits limits, DecodeSlots slots)
    {
        if (!RequestRules.IsName(name))
        {
            return Problems.NotFound($"No model '{name}' is registered.");
        }

        var decision = await server.RouteAsync(name, version, http.RequestAborted);
        if (decision.Kind != RouteKind.Serve)
        {
            return ServingProblems.For(decision);
        }

        var (encoded, problem) = await PredictInput.ReadAsync(http.Request, options, limits);
        if (problem is not null)
        {
            return problem;
        }

        using var slot = await slots.EnterAsync(http.RequestAborted);
        if (slot is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Unavailable($"All {slots.Capacity} decode slots stayed busy for {limits.DecodeWait.TotalSeconds:0.#} s; retry later.");
        }

        var (images, undecodable) = PredictInput.Decode(encoded, limits);
        if (undecodable is not null)
        {
            return undecodable;
        }

        var result = await server.ServeAsync(name, decision, images, encoded, http.RequestAborted);
        if (result.Error is not null)
        {
            return result.InvalidOutput
                ? TypedResults.Problem(result.Error, statusCode: 500, title: "Model output not finite", type: ServingProblems.InvalidModelOutput)
                : TypedResults.Problem(result.Error, statusCode: 503, title: "Inference failed", type: ServingProblems.InferenceFailed);
        }

        return TypedResults.Ok(new PredictResponse(name, result.Decision.Version!.Version, result.Decision.Route,
            [.. result.Predictions.Select(p => new PredictionItem(p.PredictionId, p.Label, p.Confidence, p.Probabilities,
                p.Labels?.Select(l => new PredictedLabel(l.Label, l.Probability)).ToList()))]));
    }

    private static async Task<IResult> FeedbackAsync(Guid id, FeedbackRequest request, HttpContext http, PredictionLog log, TimeProvider time)
    {
        var (user, _) = http.Caller();
        var found = await log.FeedbackAsync(id, request.Label, user, time.GetUtcNow(), http.RequestAborted);
        if (found is null)
        {
            return Problems.NotFound($"No logged prediction '{id}' (predictions are logged by sampling; unsampled ones cannot be labelled).");
        }

        var accuracy = await log.AccuracyAsync(found.Model, found.Version, DateTimeOffset.MinValue, http.RequestAborted);
        return TypedResults.Ok(new FeedbackResponse(id, found.Model, found.Version, found.PredictedLabel, found.Label, found.Correct, accuracy.Accuracy, accuracy.Labelled));
    }
}
