using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orchestrator.Api.Identity;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Correctly signed tokens with claims and headers no identity provider should issue: what a stolen signing key or a sloppy provider would produce.</summary>
public static class TokenForge
{
    /// <summary>
    /// A token signed with <paramref name="key"/> for the default issuer and audience, valid for ten minutes, whose
    /// payload also holds <paramref name="claims"/> (raw JSON member text, e.g. <c>"sub":"a\u0000b"</c>).
    /// </summary>
    public static string Sign(SecurityKey key, string claims, IDictionary<string, object>? header = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = string.Create(CultureInfo.InvariantCulture,
            $$"""{"iss":"{{AuthOptions.DefaultIssuer}}","aud":"{{AuthOptions.DefaultAudience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}{{(claims.Length > 0 ? "," + claims : "")}}}""");
        return new JsonWebTokenHandler().CreateToken(payload, new SigningCredentials(key, SecurityAlgorithms.HmacSha256), header ?? new Dictionary<string, object>());
    }

    /// <summary>Subjects (raw JSON member text) that name no usable identity, each with what is wrong.</summary>
    public static TheoryData<string, string> UnusableSubjects => new()
    {
        { "missing", "\"roles\":[\"admin\"]" },
        { "empty", "\"sub\":\"\",\"roles\":[\"admin\"]" },
        { "whitespace", "\"sub\":\"   \",\"roles\":[\"admin\"]" },
        { "padded", "\"sub\":\" alice\",\"roles\":[\"admin\"]" },
        { "nul", "\"sub\":\"ali\\u0000ce\",\"roles\":[\"admin\"]" },
        { "control", "\"sub\":\"ali\\u0007ce\",\"roles\":[\"admin\"]" },
        { "newline", "\"sub\":\"alice\\nadmin\",\"roles\":[\"admin\"]" },
        { "lone-surrogate", "\"sub\":\"ali\\ud800ce\",\"roles\":[\"admin\"]" },
        { "two-subjects", "\"sub\":[\"alice\",\"bob\"],\"roles\":[\"admin\"]" },
        { "too-long", "\"sub\":\"" + new string('a', 257) + "\",\"roles\":[\"admin\"]" },
        { "role-with-nul", "\"sub\":\"alice\",\"roles\":[\"admin\",\"x\\u0000\"]" },
    };
}
