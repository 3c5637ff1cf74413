using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Orchestrator.TemporalServer.Grpc;

/// <summary>
/// Binds every method of a Temporal gRPC service to the <see cref="RpcRouter"/>. Temporalio.dll ships no
/// server stubs, but its client classes (Temporalio.Client.WorkflowService, OperatorService, TestService) have
/// one public method per RPC, "NameAsync(NameRequest, RpcOptions?) : Task&lt;NameResponse&gt;", which name every
/// method with its request and response types. Reading those, rather than the protobuf service descriptors,
/// keeps start-up fast: building the descriptors of the whole Temporal API took about half a second.
/// </summary>
internal sealed class ProtoServiceBinder<TService>(string serviceName, Type clientType, RpcRouter router) : IServiceMethodProvider<TService>
    where TService : class
{
    private static readonly MethodInfo AddUnaryDefinition =
        typeof(ProtoServiceBinder<TService>).GetMethod(nameof(AddUnary), BindingFlags.NonPublic | BindingFlags.Instance)!;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        foreach (var (name, request, response) in Methods(clientType))
        {
            AddUnaryDefinition.MakeGenericMethod(request, response).Invoke(this, [context, name]);
        }
    }

    /// <summary>The RPCs a Temporalio client class calls: name, request type, response type.</summary>
    public static IEnumerable<(string Name, Type Request, Type Response)> Methods(Type clientType)
    {
        foreach (var method in clientType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            var parameters = method.GetParameters();
            if (method.Name.EndsWith("Async", StringComparison.Ordinal) && parameters.Length == 2
                && typeof(IMessage).IsAssignableFrom(parameters[0].ParameterType)
                && method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                && typeof(IMessage).IsAssignableFrom(method.ReturnType.GetGenericArguments()[0]))
            {
                yield return (method.Name[..^"Async".Length], parameters[0].ParameterType, method.ReturnType.GetGenericArguments()[0]);
            }
        }
    }

    private void AddUnary<TRequest, TResponse>(ServiceMethodProviderContext<TService> context, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var requestParser = new MessageParser<TRequest>(() => new TRequest());
        var responseParser = new MessageParser<TResponse>(() => new TResponse());
        var grpcMethod = new Method<TRequest, TResponse>(
            MethodType.Unary,
            serviceName,
            name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
        var fullName = $"{serviceName}/{name}";
        context.AddUnaryMethod(grpcMethod, [], async (_, request, callContext) =>
            (TResponse)await router.DispatchAsync(fullName, request, callContext).ConfigureAwait(false));
    }
}

/// <summary>The full names of the services the server binds.</summary>
internal static class ServiceNames
{
    public const string Workflow = "temporal.api.workflowservice.v1.WorkflowService";
    public const string Operator = "temporal.api.operatorservice.v1.OperatorService";
    public const string Test = "temporal.api.testservice.v1.TestService";
}

/// <summary>Marker type for the bound Temporal WorkflowService.</summary>
internal sealed class WorkflowServiceEndpoint;

/// <summary>Marker type for the bound Temporal OperatorService.</summary>
internal sealed class OperatorServiceEndpoint;

/// <summary>Marker type for the bound Temporal TestService (time skipping).</summary>
internal sealed class TestServiceEndpoint;
