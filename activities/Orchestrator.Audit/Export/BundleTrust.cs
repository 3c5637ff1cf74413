using System.Security.Cryptography;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Contracts;

namespace Orchestrator.Audit.Export;

/// <summary>
/// The key a bundle is verified with, named by the auditor: a public key they obtained independently, or the
/// fingerprint of one (then the bundle's own copy is used only if it has that fingerprint). Never a key found
/// beside the bundle, nor the bundle's own copy on its own.
/// </summary>
public sealed class BundleTrust
{
    private readonly string? _publicKeyPem;
    private readonly string? _keyId;

    private BundleTrust(string? publicKeyPem, string? keyId)
    {
        _publicKeyPem = publicKeyPem;
        _keyId = keyId;
    }

    /// <summary>Trust this public key (SubjectPublicKeyInfo PEM, ECDSA P-256).</summary>
    /// <exception cref="ArgumentException">It is not such a key.</exception>
    public static BundleTrust PublicKey(string publicKeyPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyPem);
        try
        {
            using var key = CheckpointSigner.ImportPublicKey(publicKeyPem);
            return new BundleTrust(publicKeyPem, CheckpointSigner.KeyIdOf(key));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ArgumentException("the trusted public key is not a PEM ECDSA P-256 public key", nameof(publicKeyPem), e);
        }
    }

    /// <summary>Trust the key whose SubjectPublicKeyInfo has this SHA-256 (in <see cref="Digest"/>'s text form).</summary>
    /// <exception cref="ArgumentException">It is not such a fingerprint.</exception>
    public static BundleTrust Fingerprint(string fingerprint) =>
        Digest.TryParse(fingerprint, out var digest)
            ? new BundleTrust(null, digest.Hex)
            : throw new ArgumentException($"'{fingerprint}' is not a key fingerprint of the form sha256:<64 lowercase hex digits>", nameof(fingerprint));

    /// <summary>The fingerprint of a public key PEM, as <see cref="Fingerprint"/> takes it.</summary>
    public static string FingerprintOf(string publicKeyPem)
    {
        using var key = CheckpointSigner.ImportPublicKey(publicKeyPem);
        return Digest.FromHex(CheckpointSigner.KeyIdOf(key)).ToString();
    }

    /// <summary>The trusted key; with a fingerprint, the bundle's own copy once it has that fingerprint.</summary>
    internal async Task<ECDsa> KeyAsync(BundleFiles bundle, CancellationToken cancellationToken)
    {
        var pem = _publicKeyPem;
        if (pem is null)
        {
            if (!bundle.Exists(BundleManifest.PublicKeyFile))
            {
                throw new BundleUnreadableException($"the bundle has no {BundleManifest.PublicKeyFile} to match the trusted fingerprint sha256:{_keyId} against; pass --public-key");
            }

            pem = System.Text.Encoding.UTF8.GetString(await bundle.ReadAllAsync(BundleManifest.PublicKeyFile, cancellationToken).ConfigureAwait(false));
        }

        ECDsa key;
        try
        {
            key = CheckpointSigner.ImportPublicKey(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new BundleUnreadableException($"the bundle's {BundleManifest.PublicKeyFile} is not a PEM ECDSA P-256 public key", e);
        }

        var id = CheckpointSigner.KeyIdOf(key);
        if (id != _keyId)
        {
            key.Dispose();
            throw new BundleUnreadableException($"the bundle's key sha256:{id} is not the trusted key sha256:{_keyId}");
        }

        return key;
    }
}
