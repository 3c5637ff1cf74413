using Google.Protobuf.WellKnownTypes;

namespace Orchestrator.TemporalServer.Namespaces;

/// <summary>A registered namespace; workflow ids are unique within it.</summary>
internal sealed class NamespaceEntry(string name, TimeSpan retention, string description = "")
{
    public string Name { get; } = name;

    public string Id { get; } = Guid.NewGuid().ToString();

    public string Description { get; } = description;

    public Duration Retention { get; } = Duration.FromTimeSpan(retention);
}
