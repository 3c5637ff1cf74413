using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Protocol.V1;
using Temporalio.Api.Update.V1;

namespace Orchestrator.TemporalServer.Updates;

/// <summary>
/// The update protocol messages of a workflow task completion (Temporal's message protocol): acceptances and
/// responses, which PROTOCOL_MESSAGE commands place among the commands (each writes an event), and rejections,
/// which write nothing. Bodies are read and written by type URL, without the protobuf descriptors.
/// </summary>
internal sealed class UpdateMessages
{
    private const string TypePrefix = "type.googleapis.com/temporal.api.update.v1.";

    private UpdateMessages()
    {
    }

    public Dictionary<string, IMessage> ById { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Applied { get; } = new(StringComparer.Ordinal);

    /// <summary>An acceptance or a response: the task must be written to the history.</summary>
    public bool RecordsAnything => ById.Values.Any(m => m is Acceptance or Response);

    public static UpdateMessages Read(RepeatedField<Message> messages)
    {
        if (messages.Count == 0)
        {
            return new UpdateMessages();
        }

        var read = new UpdateMessages();
        foreach (var message in messages)
        {
            read.ById[message.Id] = message.Body.TypeUrl switch
            {
                TypePrefix + "Acceptance" => Acceptance.Parser.ParseFrom(message.Body.Value),
                TypePrefix + "Rejection" => Rejection.Parser.ParseFrom(message.Body.Value),
                TypePrefix + "Response" => Response.Parser.ParseFrom(message.Body.Value),
                var other => throw Grpc.RpcErrors.InvalidArgument($"protocol message {message.Id} of type {other} is {Grpc.RpcErrors.NotSupported}"),
            };
        }

        return read;
    }

    /// <summary>The message that carries an update request to the worker, processed after the events before the task started.</summary>
    public static Message RequestMessage(UpdateState update, long startedEventId) => new()
    {
        Id = $"{update.Id}/request",
        ProtocolInstanceId = update.Id,
        EventId = startedEventId - 1,
        Body = new Any { TypeUrl = TypePrefix + "Request", Value = update.Request.ToByteString() },
    };
}
