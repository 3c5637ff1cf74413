using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Policies;

/// <summary>
/// Pins a run to one version of its governance policy. A run started with a document digest (the API resolved
/// the policy to it) gets exactly that document, and is refused when this worker does not hold it or when it is
/// not the policy the run names: the API and the worker can never pin different documents.
/// </summary>
public sealed class PolicyActivities(PolicyCatalog catalog) : IPolicyActivities
{
    public Task<PinnedPolicy> LoadPolicyAsync(IPolicyActivities.Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var named = $"policy '{input.Policy.Name}'{(input.Policy.Version is { } v ? $" version {v}" : "")}";
        PolicyDocument document;
        if (input.Digest is { } digest)
        {
            document = catalog.FindByDigest(digest) ?? throw new ApplicationFailureException(
                $"{named}: this worker has no policy document {digest}, the one the run was started with", "NotFound", nonRetryable: true);
            if (document.Name != input.Policy.Name || (input.Policy.Version is { } version && version != document.Version))
            {
                throw new ApplicationFailureException(
                    $"{named}: the document the run was started with ({digest}) is policy '{document.Name}' version {document.Version}; refusing to pin it",
                    "PolicyViolation", nonRetryable: true);
            }
        }
        else
        {
            // Runs started before the digest was carried: resolved here, by name and version.
            document = catalog.Find(input.Policy) ?? throw new ApplicationFailureException($"{named} does not exist", "NotFound", nonRetryable: true);
        }

        return Task.FromResult(new PinnedPolicy(document.Name, document.Version, document.Digest, PolicyCatalog.Terms(document)));
    }
}
