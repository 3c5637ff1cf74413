using Microsoft.Extensions.Options;

namespace Orchestrator.Operations.Policies;

/// <summary>
/// Loads the policy catalog when the host starts (with the other settings' checks), so an invalid document in the
/// shipped set or the configured directory stops start-up with its file, JSON pointer and reason
/// (<see cref="InvalidPolicyException"/>) rather than failing the first run that needs a policy.
/// </summary>
internal sealed class PolicyCatalogValidation : IValidateOptions<PolicyCatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyCatalogOptions options)
    {
        try
        {
            return new PolicyCatalog(Options.Create(options)).All.Count > 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("the policy catalog holds no policy document");
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
