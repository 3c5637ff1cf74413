using Orchestrator.Client;

namespace Orchestrator.Api.Identity;

/// <summary>
/// Bearer-token settings (section Orchestrator:Auth). Production names an OpenID Connect
/// <see cref="Authority"/> or a shared <see cref="SigningKey"/>; development without either uses a
/// key generated on first use at <see cref="DevelopmentKeyPath"/> (never committed).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Orchestrator:Auth";

    /// <summary>The issuer the service expects unless configured otherwise (and development tokens carry).</summary>
    public const string DefaultIssuer = DevelopmentTokens.DefaultIssuer;

    /// <summary>The audience the service expects unless configured otherwise (and development tokens carry).</summary>
    public const string DefaultAudience = DevelopmentTokens.DefaultAudience;

    /// <summary>Expected "iss" of tokens.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>Expected "aud" of tokens.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>An OpenID Connect authority whose published keys sign the tokens (production).</summary>
    public string? Authority { get; set; }

    /// <summary>Base64 HMAC-SHA256 key, at least 32 bytes, when tokens are signed with a shared key.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Where the development key lives; default .local/dev-signing.key in the checkout.</summary>
    public string? DevelopmentKeyPath { get; set; }
}
