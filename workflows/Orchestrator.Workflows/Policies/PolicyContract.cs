using Temporalio.Activities;

namespace Orchestrator.Workflows.Policies;

/// <summary>Loads a policy document and pins it for the run.</summary>
public interface IPolicyActivities
{
    /// <summary>The activity type name (recorded in every history: never change it).</summary>
    public const string Name = "LoadPolicy";

    /// <summary>The policy a run names; <paramref name="Digest"/> is the document the run was started with (null in runs started before it was carried).</summary>
    public sealed record Input(string RunId, PolicyRef Policy, string? Digest = null);

    /// <summary>The pinned document: the one with <see cref="Input.Digest"/> when given (refused when it is not the named policy), else the named version.</summary>
    [Activity(Name)]
    Task<PinnedPolicy> LoadPolicyAsync(Input input);
}
