using Google.Protobuf;
using Grpc.Core;
using Orchestrator.TemporalServer.Grpc;

namespace Orchestrator.TemporalServer.Service;

/// <summary>Typed registration of handlers for one service on the router.</summary>
internal sealed class HandlerMap(RpcRouter router, string service, Engine engine)
{
    /// <summary>A handler that runs entirely under the engine's gate (every state change but the long polls).</summary>
    public void Locked<TRequest>(string method, Func<TRequest, IMessage> handler)
        where TRequest : IMessage =>
        router.Map(service, method, (request, _) =>
        {
            lock (engine.Gate)
            {
                return Task.FromResult(handler((TRequest)request));
            }
        });

    /// <summary>A handler that waits (long polls, queries) and takes the gate itself.</summary>
    public void Async<TRequest>(string method, Func<TRequest, ServerCallContext, Task<IMessage>> handler)
        where TRequest : IMessage =>
        router.Map(service, method, (request, context) => handler((TRequest)request, context));
}
