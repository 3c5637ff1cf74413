using Microsoft.IdentityModel.Tokens;
using Orchestrator.Cli.Client;
using Orchestrator.Client;

namespace Orchestrator.Cli.Demo;

/// <summary>
/// The people of the demo, each with a development token signed with the service's development key and
/// an API client of their own, so every request is made (and recorded) as the person who would make it.
/// Alice holds the approver role as well, so the refusal of her own approval shows separation of duties,
/// not a missing role.
/// </summary>
public sealed class DemoPeople : IDisposable
{
    private DemoPeople(ApiClient alice, ApiClient bob, ApiClient carol, ApiClient dave)
    {
        Alice = alice;
        Bob = bob;
        Carol = carol;
        Dave = dave;
    }

    /// <summary>The ML engineer who registers the data and starts the run (also an approver elsewhere).</summary>
    public ApiClient Alice { get; }

    /// <summary>The first approver.</summary>
    public ApiClient Bob { get; }

    /// <summary>The second approver.</summary>
    public ApiClient Carol { get; }

    /// <summary>The auditor: reads, verifies and exports, never writes.</summary>
    public ApiClient Dave { get; }

    /// <summary>Mints the four tokens with the key at <paramref name="keyPath"/> and opens a client per person.</summary>
    public static DemoPeople Create(string? api, string keyPath, Func<HttpMessageHandler>? handler)
    {
        var key = DevelopmentTokens.LoadOrCreateKey(keyPath);
        ApiClient Client(string user, params string[] roles) => new(api, Mint(key, user, roles), handler?.Invoke());
        return new DemoPeople(
            Client("alice", Roles.MlEngineer, Roles.Approver),
            Client("bob", Roles.Approver),
            Client("carol", Roles.Approver),
            Client("dave", Roles.Auditor));
    }

    private static string Mint(SecurityKey key, string user, string[] roles) =>
        DevelopmentTokens.Mint(key, DevelopmentTokens.DefaultIssuer, DevelopmentTokens.DefaultAudience, user, roles, TimeSpan.FromHours(2));

    public void Dispose()
    {
        Alice.Dispose();
        Bob.Dispose();
        Carol.Dispose();
        Dave.Dispose();
    }
}
