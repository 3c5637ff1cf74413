using Google.Protobuf;
using Google.Protobuf.Collections;
using Temporalio.Api.Common.V1;

namespace Orchestrator.TemporalServer.Workflows;

/// <summary>
/// Merging upserted memo and search attribute maps as Temporal does: a key whose new value is "nothing" (the
/// null payload SDKs send for an unset memo key, or the empty list they send for an unset search attribute)
/// is deleted, every other key is set.
/// </summary>
internal static class PayloadMaps
{
    private static readonly ByteString EmptyList = ByteString.CopyFromUtf8("[]");

    public static void Merge(MapField<string, Payload> target, MapField<string, Payload> upserted)
    {
        foreach (var (key, value) in upserted)
        {
            if (IsUnset(value))
            {
                target.Remove(key);
            }
            else
            {
                target[key] = value;
            }
        }
    }

    private static bool IsUnset(Payload? payload)
    {
        if (payload is null || (payload.Data.IsEmpty && payload.Metadata.Count == 0))
        {
            return true;
        }

        var encoding = payload.Metadata.TryGetValue("encoding", out var e) ? e.ToStringUtf8() : "";
        return (encoding == "binary/null" && payload.Data.IsEmpty) || (encoding == "json/plain" && payload.Data.Equals(EmptyList));
    }
}
