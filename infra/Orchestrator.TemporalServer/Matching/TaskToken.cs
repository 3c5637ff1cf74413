using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace Orchestrator.TemporalServer.Matching;

/// <summary>What a task token names: a workflow task, an activity attempt or a legacy query.</summary>
internal enum TaskKind
{
    Workflow,
    Activity,
    Query,
}

/// <summary>
/// The opaque task token handed to workers. It names the run and the task (scheduled event id and attempt,
/// or a query id), so a late answer for an older attempt is recognised and rejected as not found.
/// </summary>
internal sealed record TaskToken(TaskKind Kind, string Namespace, string WorkflowId, string RunId, long ScheduledEventId, int Attempt, string QueryId = "")
{
    public ByteString ToByteString() => ByteString.CopyFromUtf8(string.Join('\n',
        Kind.ToString(), Namespace, WorkflowId, RunId,
        ScheduledEventId.ToString(CultureInfo.InvariantCulture), Attempt.ToString(CultureInfo.InvariantCulture), QueryId));

    public static TaskToken Parse(ByteString token, TaskKind expected)
    {
        var parts = Encoding.UTF8.GetString(token.Span).Split('\n');
        if (parts.Length != 7 || !Enum.TryParse<TaskKind>(parts[0], out var kind) || kind != expected)
        {
            throw Grpc.RpcErrors.InvalidArgument($"malformed {expected} task token");
        }

        return new TaskToken(kind, parts[1], parts[2], parts[3],
            long.Parse(parts[4], CultureInfo.InvariantCulture), int.Parse(parts[5], CultureInfo.InvariantCulture), parts[6]);
    }
}
