using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Orchestrator.TemporalServer.Grpc;

/// <summary>A handler of one RPC: the request message in, the response message out.</summary>
public delegate Task<IMessage> RpcHandler(IMessage request, ServerCallContext context);

/// <summary>
/// Maps full gRPC method names ("temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution")
/// to handlers. Every method of the bound services is routed here; a method without a handler answers
/// UNIMPLEMENTED with a sentence naming it, so an unsupported SDK feature fails loudly, not silently.
/// </summary>
public sealed partial class RpcRouter(ILogger<RpcRouter> logger)
{
    private readonly Dictionary<string, RpcHandler> handlers = new(StringComparer.Ordinal);

    /// <summary>Registers the handler of a method of a service, by the service's full name and the method's name.</summary>
    public void Map(string service, string method, RpcHandler handler) => handlers[$"{service}/{method}"] = handler;

    public async Task<IMessage> DispatchAsync(string fullMethod, IMessage request, ServerCallContext context)
    {
        if (!handlers.TryGetValue(fullMethod, out var handler))
        {
            LogUnsupported(logger, fullMethod);
            throw new RpcException(new Status(StatusCode.Unimplemented,
                $"{fullMethod} is {RpcErrors.NotSupported}"));
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            LogRequest(logger, fullMethod, request);
        }

        try
        {
            return await handler(request, context).ConfigureAwait(false);
        }
        catch (RpcException e) when (logger.IsEnabled(LogLevel.Debug))
        {
            LogFailure(logger, fullMethod, e.Status.StatusCode, e.Status.Detail);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsupported RPC {Method}")]
    private static partial void LogUnsupported(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RPC {Method} {Request}")]
    private static partial void LogRequest(ILogger logger, string method, IMessage request);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RPC {Method} answered {Code}: {Detail}")]
    private static partial void LogFailure(ILogger logger, string method, StatusCode code, string detail);
}
