using System.Security.Cryptography;
using System.Text.Json;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Export;

namespace Orchestrator.Audit.Tests.Export;

/// <summary>What an editor of a bundle does after changing its files: rewrites the manifest's digests and re-signs it with the key they hold.</summary>
internal static class BundleEdits
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Rewrites the manifest's file digests (and whatever <paramref name="edit"/> changes) and signs it with <paramref name="signer"/>:
    /// the service's key (only the chain and the signed checkpoints can tell then) or an attacker's (the signature cannot verify).
    /// </summary>
    public static async Task FixManifestAsync(string directory, CheckpointSigner signer, Func<BundleManifest, BundleManifest>? edit = null)
    {
        var path = Path.Combine(directory, BundleManifest.FileName);
        var manifest = JsonSerializer.Deserialize<BundleManifest>(await File.ReadAllBytesAsync(path), Web)!;
        manifest = edit?.Invoke(manifest) ?? manifest;
        var files = manifest.Files.ToDictionary(f => f.Key, f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, f.Key)))));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest with { Files = files }, Web);
        await File.WriteAllBytesAsync(path, bytes);
        await File.WriteAllTextAsync(Path.Combine(directory, BundleManifest.SignatureFile), signer.Sign(bytes));
    }

    /// <summary>Rewrites the manifest's file digests without the key: the old signature stays, and no longer matches.</summary>
    public static async Task FixManifestWithoutKeyAsync(string directory, Func<BundleManifest, BundleManifest>? edit = null)
    {
        var signaturePath = Path.Combine(directory, BundleManifest.SignatureFile);
        var signature = await File.ReadAllTextAsync(signaturePath);
        var attacker = NewSigner(out var keyPath);
        try
        {
            using (attacker)
            {
                await FixManifestAsync(directory, attacker, edit);
            }
        }
        finally
        {
            File.Delete(keyPath);
        }

        await File.WriteAllTextAsync(signaturePath, signature);
    }

    /// <summary>A fresh key pair (an attacker's).</summary>
    public static CheckpointSigner NewSigner(out string keyPath)
    {
        keyPath = Path.Combine(Path.GetTempPath(), $"attacker-{Guid.NewGuid():N}.pem");
        return CheckpointSigner.Load(keyPath, generateIfMissing: true);
    }
}
