using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Orchestrator.TemporalServer.Grpc;

/// <summary>
/// Binds every method of a protobuf service descriptor to the <see cref="RpcRouter"/>. Temporalio.dll
/// ships the WorkflowService and TestService descriptors (with parsers) but no gRPC stubs, so the methods
/// are bound generically from the descriptors instead of from generated code.
/// </summary>
internal sealed class ProtoServiceBinder<TService>(Google.Protobuf.Reflection.ServiceDescriptor descriptor, RpcRouter router) : IServiceMethodProvider<TService>
    where TService : class
{
    private static readonly MethodInfo AddUnaryDefinition =
        typeof(ProtoServiceBinder<TService>).GetMethod(nameof(AddUnary), BindingFlags.NonPublic | BindingFlags.Instance)!;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        foreach (var method in descriptor.Methods)
        {
            if (method.IsClientStreaming || method.IsServerStreaming)
            {
                continue;
            }

            AddUnaryDefinition.MakeGenericMethod(method.InputType.ClrType, method.OutputType.ClrType)
                .Invoke(this, [context, method]);
        }
    }

    private void AddUnary<TRequest, TResponse>(ServiceMethodProviderContext<TService> context, MethodDescriptor method)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var requestParser = method.InputType.Parser;
        var grpcMethod = new Method<TRequest, TResponse>(
            MethodType.Unary,
            descriptor.FullName,
            method.Name,
            Marshallers.Create(r => r.ToByteArray(), bytes => (TRequest)requestParser.ParseFrom(bytes)),
            Marshallers.Create(r => r.ToByteArray(), bytes => (TResponse)method.OutputType.Parser.ParseFrom(bytes)));
        var fullName = $"{descriptor.FullName}/{method.Name}";
        context.AddUnaryMethod(grpcMethod, [], async (_, request, callContext) =>
            (TResponse)await router.DispatchAsync(fullName, request, callContext).ConfigureAwait(false));
    }
}

/// <summary>Marker type for the bound Temporal WorkflowService.</summary>
internal sealed class WorkflowServiceEndpoint;

/// <summary>Marker type for the bound Temporal OperatorService.</summary>
internal sealed class OperatorServiceEndpoint;

/// <summary>Marker type for the bound Temporal TestService (time skipping).</summary>
internal sealed class TestServiceEndpoint;
