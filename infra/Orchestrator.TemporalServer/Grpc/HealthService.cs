using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Orchestrator.TemporalServer.Grpc;

/// <summary>
/// The standard gRPC health service (grpc.health.v1.Health/Check), which the SDK's CheckHealthAsync calls, as a
/// Temporal frontend answers it: SERVING for any service name. The two messages are tiny and their types are
/// internal to Temporalio, so they are read and written as raw protobuf bytes.
/// </summary>
internal sealed class HealthService : IServiceMethodProvider<HealthService>
{
    /// <summary>HealthCheckResponse { status: SERVING (1) }: field 1, varint 1.</summary>
    private static readonly byte[] Serving = [0x08, 0x01];

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<HealthService> context)
    {
        var bytes = Marshallers.Create(static (byte[] b) => b, static b => b);
        var check = new Method<byte[], byte[]>(MethodType.Unary, "grpc.health.v1.Health", "Check", bytes, bytes);
        context.AddUnaryMethod(check, [], (_, _, _) => Task.FromResult(Serving));
    }
}
