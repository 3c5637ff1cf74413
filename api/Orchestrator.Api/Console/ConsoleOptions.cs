namespace Orchestrator.Api.Console;

/// <summary>
/// The console's sign-in (section Orchestrator:Console). With <see cref="ClientId"/> and an authority (this section's, else
/// Orchestrator:Auth:Authority) people sign in with OpenID Connect (authorization code + PKCE); without them only
/// Development offers its sign-in page, and elsewhere nobody can sign in.
/// </summary>
public sealed class ConsoleOptions
{
    public const string Section = "Orchestrator:Console";

    /// <summary>The OpenID Connect issuer; default Orchestrator:Auth:Authority.</summary>
    public string? Authority { get; set; }

    /// <summary>The console's client id at the identity provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for a confidential client; PKCE is used either way.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides openid (space-separated); the roles must reach the ID token or user info.</summary>
    public string Scopes { get; set; } = "profile";

    /// <summary>The claim holding the roles (the API's tokens use "roles").</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Whether the authority's metadata must be fetched over HTTPS (default true); false only for an identity provider on
    /// this machine's loopback during development or tests.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How long a console session lasts without activity.</summary>
    public TimeSpan SessionIdle { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether OpenID Connect sign-in is configured.</summary>
    public bool UsesOpenIdConnect => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
