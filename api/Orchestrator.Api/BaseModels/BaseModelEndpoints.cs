using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Audit.Events;
using Orchestrator.Operations.BaseModels;

namespace Orchestrator.Api.BaseModels;

/// <summary>/api/base-models: register pretrained weights (every key and shape checked, recorded in the ledger); list them; read a registration.</summary>
public static class BaseModelEndpoints
{
    private const int MaxTake = 200;

    public static IEndpointRouteBuilder MapBaseModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/base-models").WithTags("Base models");
        group.MapPost("/", RegisterAsync).RequireAuthorization(AccessPolicies.StartRuns).Validated<RegisterBaseModelRequest>()
            .WithSummary("Import pretrained weights as a base model (201; 200 when the same weights are registered again; 409 for other weights; 400 naming the first key that does not fit).");
        group.MapGet("/", ListAsync).RequireAuthorization(AccessPolicies.Read)
            .WithSummary("The registered base models by name (architecture, weights digest, source, licence, who registered them and when), with paging.");
        group.MapGet("/{name}", async (string name, [FromServices] BaseModelRegistry registry, CancellationToken cancellationToken) =>
                RequestRules.IsName(name) && await registry.FindAsync(name, cancellationToken) is { } found ? Results.Ok(found) : Problems.NotFound($"No base model '{name}'."))
            .RequireAuthorization(AccessPolicies.Read).WithSummary("A registered base model: architecture, weights digest, source, licence, preprocessing.");
        return app;
    }

    private static async Task<IResult> ListAsync([FromServices] BaseModelList list, int skip = 0, int take = 50, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (skip is < 0 or > 1_000_000)
        {
            errors["skip"] = ["Must be between 0 and 1000000."];
        }

        if (take is < 1 or > MaxTake)
        {
            errors["take"] = [$"Must be between 1 and {MaxTake}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // One more than asked for tells whether a next page exists.
        var page = await list.ListAsync(skip, take + 1, cancellationToken);
        var next = page.Count > take ? string.Create(CultureInfo.InvariantCulture, $"/api/base-models?skip={skip + take}&take={take}") : null;
        return TypedResults.Ok(new BaseModelPage([.. page.Take(take).Select(BaseModelListItem.Of)], skip, take, next));
    }

    private static async Task<IResult> RegisterAsync(RegisterBaseModelRequest request, HttpContext http, [FromServices] BaseModelRegistry registry)
    {
        var (user, roles) = http.Caller();
        try
        {
            var (created, record, digest) = await registry.RegisterAsync(
                new BaseModelRequest(request.Name, request.Architecture, request.Location, request.Source, request.Licence, request.Description),
                Actor.User(user, roles), $"http:{http.TraceIdentifier}", http.RequestAborted);
            if (created)
            {
                return TypedResults.Created($"/api/base-models/{request.Name}", record);
            }

            var stored = record.Registration;
            var same = stored.WeightsDigest == digest && stored.Architecture == request.Architecture && stored.Source == request.Source
                && stored.Licence == request.Licence && stored.Description == request.Description;
            return same ? TypedResults.Ok(record)
                : Problems.Conflict($"The base model '{request.Name}' is registered with other weights or terms ({record.Registration.WeightsDigest}).");
        }
        catch (BaseModelRefusedException e)
        {
            return Problems.WeightsRefused(e.Message, e.Key, e.Problem);
        }
    }
}
