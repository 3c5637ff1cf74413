using Orchestrator.Api.Errors;
using Orchestrator.Api.Hosting;
using Orchestrator.Api.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

builder.AddServiceDefaults();
builder.AddOrchestratorIdentity();
builder.Services.AddOrchestratorProblemDetails();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseOrchestratorProblemDetails();
app.UseAuthentication();
app.UseAuthorization();

app.MapServiceDefaults();
app.MapOpenApi();
app.MapMeEndpoints();

app.Run();
