using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orchestrator.Client;

/// <summary>
/// Signed development tokens: an HMAC-SHA256 key generated once per checkout (mode 600, git-ignored)
/// and JWTs minted with it, for local use and tests (`./orchestrator dev token`). Production
/// validates tokens from a real identity provider instead. Shared by the API, which validates them, and the
/// clients that mint them (the CLI, the demo, tests), so the format is defined once.
/// </summary>
public static class DevelopmentTokens
{
    /// <summary>The issuer the service expects unless configured otherwise (and development tokens carry).</summary>
    public const string DefaultIssuer = "orchestrator";

    /// <summary>The audience the service expects unless configured otherwise (and development tokens carry).</summary>
    public const string DefaultAudience = "orchestrator-api";

    private const int KeyBytes = 32;

    /// <summary>The checkout's .local/dev-signing.key, found by walking up to Orchestrator.sln.</summary>
    public static string DefaultKeyPath()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
                {
                    return Path.Combine(dir.FullName, ".local", "dev-signing.key");
                }
            }
        }

        return Path.Combine(Path.GetTempPath(), "orchestrator", "dev-signing.key");
    }

    /// <summary>Reads the key at <paramref name="path"/>, creating it (owner-only) when missing.</summary>
    public static SymmetricSecurityKey LoadOrCreateKey(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var fresh = RandomNumberGenerator.GetBytes(KeyBytes);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(temp, Convert.ToBase64String(fresh));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp); // another process created it first; use theirs
            }
        }

        return KeyFromBase64(File.ReadAllText(path).Trim(), path);
    }

    /// <summary>A signing key from base64 text; <paramref name="origin"/> names the setting in errors.</summary>
    public static SymmetricSecurityKey KeyFromBase64(string base64, string origin)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{origin}: the signing key is not valid base64.");
        }

        return bytes.Length >= KeyBytes
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException($"{origin}: the signing key must be at least {KeyBytes} bytes (it has {bytes.Length}).");
    }

    /// <summary>Mints a token for <paramref name="user"/> with <paramref name="roles"/>.</summary>
    public static string Mint(SecurityKey key, string issuer, string audience, string user, IEnumerable<string> roles, TimeSpan lifetime, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, user), new("name", user) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
