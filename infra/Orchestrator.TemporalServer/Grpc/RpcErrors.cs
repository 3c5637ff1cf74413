using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Temporalio.Api.Common.V1;

namespace Orchestrator.TemporalServer.Grpc;

/// <summary>
/// The gRPC errors the SDK understands. Typed failures (already started, query failed) travel as a
/// status-details trailer holding a google.rpc.Status whose details carry the Temporal error message;
/// without it the SDK cannot raise its typed exceptions (e.g. WorkflowAlreadyStartedException).
/// </summary>
internal static class RpcErrors
{
    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));

    public static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));

    /// <summary>How every unsupported feature is named in errors, so users and tests recognise it.</summary>
    public const string NotSupported = "not supported by the embedded development server (docs/temporal-server.md)";

    public static RpcException Unsupported(string what) =>
        new(new Status(StatusCode.Unimplemented, $"{what} is {NotSupported}"));

    /// <summary>An error with a typed Temporal detail message the SDK decodes.</summary>
    public static RpcException WithDetail(StatusCode code, string message, IMessage detail)
    {
        var status = new GrpcStatus { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(detail));
        var trailers = new Metadata { { "grpc-status-details-bin", status.ToByteArray() } };
        return new RpcException(new Status(code, message), trailers);
    }
}
