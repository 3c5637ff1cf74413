using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.TemporalServer.Grpc;
using Orchestrator.TemporalServer.Service;
using Orchestrator.TemporalServer.TestService;

namespace Orchestrator.TemporalServer.Hosting;

/// <summary>
/// A running embedded Temporal-protocol server: Kestrel on loopback, HTTP/2 without TLS, serving the
/// WorkflowService, OperatorService (unimplemented methods answer UNIMPLEMENTED), TestService and gRPC health.
/// </summary>
public sealed class TemporalServerHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private TemporalServerHost(WebApplication app, string address)
    {
        this.app = app;
        Address = address;
    }

    /// <summary>host:port to give the SDK as the target host.</summary>
    public string Address { get; }

    /// <summary>Starts a server; with port 0 the OS picks a free port, reported in <see cref="Address"/>.</summary>
    public static async Task<TemporalServerHost> StartAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The empty builder reads no configuration files or environment: the server is configured by its
        // options only, and skipping that work is a measurable part of its start-up.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Parse(options.Ip), options.Port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
        });
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ServerClock>();
        services.AddSingleton<Engine>();
        services.AddSingleton<RpcRouter>();
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = 128 * 1024 * 1024;
            grpc.MaxSendMessageSize = 128 * 1024 * 1024;
        });
        services.AddSingleton<IServiceMethodProvider<WorkflowServiceEndpoint>>(sp => new ProtoServiceBinder<WorkflowServiceEndpoint>(
            ServiceNames.Workflow, typeof(Temporalio.Client.WorkflowService), sp.GetRequiredService<RpcRouter>()));
        services.AddSingleton<IServiceMethodProvider<OperatorServiceEndpoint>>(sp => new ProtoServiceBinder<OperatorServiceEndpoint>(
            ServiceNames.Operator, typeof(Temporalio.Client.OperatorService), sp.GetRequiredService<RpcRouter>()));
        services.AddSingleton<IServiceMethodProvider<TestServiceEndpoint>>(sp => new ProtoServiceBinder<TestServiceEndpoint>(
            ServiceNames.Test, typeof(Temporalio.Client.TestService), sp.GetRequiredService<RpcRouter>()));
        services.AddSingleton<IServiceMethodProvider<HealthService>, HealthService>();
        services.AddHostedService<ClockService>();

        var app = builder.Build();
        var engine = app.Services.GetRequiredService<Engine>();
        var router = app.Services.GetRequiredService<RpcRouter>();
        var workflowService = new HandlerMap(router, ServiceNames.Workflow, engine);
        NamespaceHandlers.Register(workflowService, engine);
        WorkflowHandlers.Register(workflowService, engine);
        TaskHandlers.Register(workflowService, engine);
        OperatorHandlers.Register(new HandlerMap(router, ServiceNames.Operator, engine), engine);
        TestServiceHandlers.Register(new HandlerMap(router, ServiceNames.Test, engine), engine);
        app.MapGrpcService<WorkflowServiceEndpoint>();
        app.MapGrpcService<OperatorServiceEndpoint>();
        app.MapGrpcService<TestServiceEndpoint>();
        app.MapGrpcService<HealthService>();

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TemporalServerHost(app, new Uri(bound).Authority);
    }

    /// <summary>Runs until the token is cancelled (foreground use: the CLI and the drop-in executable).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Drives the engine's clock for the life of the host.</summary>
    private sealed class ClockService(Engine engine) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => engine.RunClockAsync(stoppingToken);
    }
}
