using Orchestrator.Api.Approvals;
using Orchestrator.Api.Artifacts;
using Orchestrator.Api.Audit;
using Orchestrator.Api.Backends;
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
using Orchestrator.Ml.Devices;

// The launchers' probe (infra/lib.sh): does libtorch compute correctly in a process started like this one?
if (args is [BackendSelfCheck.Argument])
{
    return BackendSelfCheck.RunFromCommandLine(Console.Out, Console.Error);
}

// The GPU worker's device check alone (infra/gpu/check.sh): CUDA libtorch found and loaded, the device answers and computes right.
if (args is [GpuDeviceCheck.Argument])
{
    return GpuDeviceCheck.RunFromCommandLine(Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

builder.AddServiceDefaults();
builder.AddOrchestratorIdentity();
builder.AddOrchestratorBackends();
builder.AddOrchestratorTemporal();
builder.Services.AddOrchestratorApi();
builder.AddModelServing();
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
app.MapModelEndpoints();
app.MapPredictionEndpoints();
app.MapAuditEndpoints();
app.MapDatasetEndpoints();
app.MapPolicyEndpoints();
app.MapArtifactEndpoints();
app.MapOrchestratorConsole();

app.Run();
return 0;
