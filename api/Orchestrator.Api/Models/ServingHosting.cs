using Orchestrator.Activities.Deploy;

namespace Orchestrator.Api.Models;

/// <summary>Serving in the API host.</summary>
public static class ServingHosting
{
    /// <summary>Adds the in-process model server, prediction log and model operations (idempotent with the worker's registration).</summary>
    public static WebApplicationBuilder AddModelServing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDeployServices();
        return builder;
    }
}
