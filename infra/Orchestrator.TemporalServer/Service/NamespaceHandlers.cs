using Temporalio.Api.Enums.V1;
using Temporalio.Api.Namespace.V1;
using Temporalio.Api.WorkflowService.V1;

namespace Orchestrator.TemporalServer.Service;

/// <summary>System info and namespaces: what a client asks on connect and a worker on start.</summary>
internal static class NamespaceHandlers
{
    /// <summary>The version string this server reports; it names the server so nobody mistakes it for Temporal.</summary>
    public const string ServerVersion = "1.27.0-orchestrator-embedded";

    public static void Register(HandlerMap map, Engine engine)
    {
        // Only capabilities the server really has: advertising e.g. worker heartbeats would make the SDK
        // call RPCs that this server does not implement.
        map.Locked<GetSystemInfoRequest>("GetSystemInfo", _ => new GetSystemInfoResponse
        {
            ServerVersion = ServerVersion,
            Capabilities = new GetSystemInfoResponse.Types.Capabilities
            {
                SignalAndQueryHeader = true,
                InternalErrorDifferentiation = true,
                EncodedFailureAttributes = true,
                UpsertMemo = true,
                SdkMetadata = true,
                ActivityFailureIncludeHeartbeat = true,
            },
        });
        map.Locked<DescribeNamespaceRequest>("DescribeNamespace", request =>
        {
            var ns = string.IsNullOrEmpty(request.Id)
                ? engine.Namespace(request.Namespace)
                : engine.AllNamespaces.FirstOrDefault(n => n.Id == request.Id) ?? engine.Namespace(request.Id);
            return Describe(ns);
        });
        map.Locked<ListNamespacesRequest>("ListNamespaces", _ =>
        {
            var response = new ListNamespacesResponse();
            response.Namespaces.AddRange(engine.AllNamespaces.Select(Describe));
            return response;
        });
        map.Locked<RegisterNamespaceRequest>("RegisterNamespace", request =>
        {
            engine.RegisterNamespace(request.Namespace, request.WorkflowExecutionRetentionPeriod?.ToTimeSpan() ?? TimeSpan.FromDays(1), request.Description);
            return new RegisterNamespaceResponse();
        });
    }

    private static DescribeNamespaceResponse Describe(Namespaces.NamespaceEntry ns) => new()
    {
        NamespaceInfo = new NamespaceInfo
        {
            Name = ns.Name,
            Id = ns.Id,
            State = Temporalio.Api.Enums.V1.NamespaceState.Registered,
            Description = ns.Description,
            Capabilities = new NamespaceInfo.Types.Capabilities(),
        },
        Config = new NamespaceConfig { WorkflowExecutionRetentionTtl = ns.Retention },
        IsGlobalNamespace = false,
    };
}
