using Temporalio.Api.Enums.V1;
using Temporalio.Api.OperatorService.V1;

namespace Orchestrator.TemporalServer.Service;

/// <summary>The OperatorService RPCs the server supports: custom search attributes. Every other one answers UNIMPLEMENTED.</summary>
internal static class OperatorHandlers
{
    /// <summary>Temporal's system search attributes, which ListSearchAttributes reports beside the custom ones.</summary>
    private static readonly Dictionary<string, IndexedValueType> System = new(StringComparer.Ordinal)
    {
        ["WorkflowId"] = IndexedValueType.Keyword,
        ["RunId"] = IndexedValueType.Keyword,
        ["WorkflowType"] = IndexedValueType.Keyword,
        ["TaskQueue"] = IndexedValueType.Keyword,
        ["ExecutionStatus"] = IndexedValueType.Keyword,
        ["StartTime"] = IndexedValueType.Datetime,
        ["CloseTime"] = IndexedValueType.Datetime,
        ["ExecutionTime"] = IndexedValueType.Datetime,
        ["HistoryLength"] = IndexedValueType.Int,
        ["TemporalChangeVersion"] = IndexedValueType.KeywordList,
        ["BinaryChecksums"] = IndexedValueType.KeywordList,
        ["BuildIds"] = IndexedValueType.KeywordList,
    };

    public static void Register(HandlerMap map, Engine engine)
    {
        map.Locked<AddSearchAttributesRequest>("AddSearchAttributes", request =>
        {
            var ns = engine.Namespace(request.Namespace);
            foreach (var (name, type) in request.SearchAttributes)
            {
                if (System.ContainsKey(name))
                {
                    throw Grpc.RpcErrors.InvalidArgument($"search attribute {name} is a system search attribute");
                }

                ns.SearchAttributes[name] = type;
            }

            return new AddSearchAttributesResponse();
        });
        map.Locked<ListSearchAttributesRequest>("ListSearchAttributes", request =>
        {
            var response = new ListSearchAttributesResponse();
            response.CustomAttributes.Add(engine.Namespace(request.Namespace).SearchAttributes);
            response.SystemAttributes.Add(System);
            return response;
        });
    }
}
