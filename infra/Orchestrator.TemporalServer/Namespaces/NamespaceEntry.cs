using Google.Protobuf.WellKnownTypes;
using Temporalio.Api.Enums.V1;

namespace Orchestrator.TemporalServer.Namespaces;

/// <summary>A registered namespace; workflow ids are unique within it.</summary>
internal sealed class NamespaceEntry(string name, TimeSpan retention, string description = "")
{
    public string Name { get; } = name;

    public string Id { get; } = Guid.NewGuid().ToString();

    public string Description { get; } = description;

    public Duration Retention { get; } = Duration.FromTimeSpan(retention);

    /// <summary>Custom search attributes registered in this namespace (name to type).</summary>
    public Dictionary<string, IndexedValueType> SearchAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>The first key of <paramref name="attributes"/> that is neither registered nor a system attribute, if any.</summary>
    public string? UnregisteredSearchAttribute(Temporalio.Api.Common.V1.SearchAttributes? attributes) =>
        attributes?.IndexedFields.Keys.FirstOrDefault(key => !SearchAttributes.ContainsKey(key) && !SystemSearchAttributes.Settable.Contains(key));
}

/// <summary>Temporal's predefined search attributes that workflows and SDKs may set.</summary>
internal static class SystemSearchAttributes
{
    public static readonly HashSet<string> Settable = new(StringComparer.Ordinal)
    {
        "TemporalChangeVersion", "BinaryChecksums", "BuildIds", "TemporalNamespaceDivision",
    };
}
