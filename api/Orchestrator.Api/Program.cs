using Orchestrator.Api.Approvals;
using Orchestrator.Api.GoldAudits;
using Orchestrator.Api.Artifacts;
using Orchestrator.Api.Audit;
using Orchestrator.Api.BaseModels;
using Orchestrator.Api.Console;
using Orchestrator.Api.Datasets;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Hosting;
using Orchestrator.Api.Http;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Models;
using Orchestrator.Api.Predictions;
using Orchestrator.Api.Policies;
using Orchestrator.Api.Runs;
using Orchestrator.Hosting.Workers;
using Orchestrator.Operations.Hosting;

// The launchers' probe (infra/lib.sh): does libtorch compute correctly in a process started like this one?
if (TemporalHosting.TryRunSelfCheck(args, out var selfCheck))
{
    return selfCheck;
}

// The GPU worker's device check alone (infra/gpu/check.sh): CUDA libtorch found and loaded, the device answers and computes right.
if (TemporalHosting.TryRunGpuCheck(args, out var gpuCheck))
{
    return gpuCheck;
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

builder.AddServiceDefaults();
builder.AddOrchestratorIdentity();
builder.Services.AddOrchestratorBackends(builder.Configuration, development: !builder.Environment.IsProduction());
builder.AddOrchestratorTemporal();
builder.Services.AddOrchestratorApi();
builder.Services.AddModelServing();
builder.AddPredictionInput();
builder.Services.AddOrchestratorProblemDetails();
builder.Services.AddOrchestratorOpenApi();
builder.AddOrchestratorEdge();
builder.AddOrchestratorConsole();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseOrchestratorProblemDetails();
app.UseOrchestratorEdge();

app.MapServiceDefaults();
app.MapOrchestratorApiReference();
app.MapMeEndpoints();
app.MapRunEndpoints();
app.MapApprovalEndpoints();
app.MapGoldAuditEndpoints();
app.MapCanaryDecisionEndpoints();
app.MapModelEndpoints();
app.MapPredictionEndpoints();
app.MapAuditEndpoints();
app.MapDatasetEndpoints();
app.MapBaseModelEndpoints();
app.MapPolicyEndpoints();
app.MapArtifactEndpoints();
app.MapOrchestratorConsole();

app.Run();
return 0;
