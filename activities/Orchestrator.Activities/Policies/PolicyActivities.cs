using Orchestrator.Workflows.Policies;
using Temporalio.Activities;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Policies;

/// <summary>Pins a run to one version of its governance policy.</summary>
public sealed class PolicyActivities(PolicyCatalog catalog)
{
    [Activity(PolicyActivity.Name)]
    public PinnedPolicy LoadPolicy(PolicyActivity.Input input)
    {
        var document = catalog.Find(input.Policy) ?? throw new ApplicationFailureException(
            $"policy '{input.Policy.Name}'{(input.Policy.Version is { } v ? $" version {v}" : "")} does not exist", "NotFound", nonRetryable: true);
        return new PinnedPolicy(document.Name, document.Version, document.Digest, PolicyCatalog.Terms(document));
    }
}
