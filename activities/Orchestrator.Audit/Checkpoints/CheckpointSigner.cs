using System.Security.Cryptography;

namespace Orchestrator.Audit.Checkpoints;

/// <summary>
/// Signs checkpoint bodies with an ECDSA P-256 key (PKCS#8 PEM file). Verification needs only the public
/// key (SubjectPublicKeyInfo PEM), which <see cref="PublicKeyPem"/> exports for bundles and auditors.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    /// <summary>The algorithm name recorded in checkpoints.</summary>
    public const string Algorithm = "ECDSA-P256-SHA256";

    private readonly ECDsa _key;

    private CheckpointSigner(ECDsa key)
    {
        _key = key;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = KeyIdOf(key);
    }

    /// <summary>The public key, SubjectPublicKeyInfo PEM.</summary>
    public string PublicKeyPem { get; }

    /// <summary>SHA-256 (hex) of the public key's DER.</summary>
    public string KeyId { get; }

    /// <summary>Loads the private key at <paramref name="path"/>; with <paramref name="generateIfMissing"/> (development) a new key is created there first, readable by the owner only.</summary>
    public static CheckpointSigner Load(string path, bool generateIfMissing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            if (!generateIfMissing)
            {
                throw new FileNotFoundException($"The checkpoint signing key '{path}' does not exist (Orchestrator:Audit:CheckpointSigningKeyPath).", path);
            }

            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(generated.ExportPkcs8PrivateKeyPem());
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return new CheckpointSigner(key);
    }

    /// <summary>Signs <paramref name="body"/> (IEEE P1363 r||s), base64.</summary>
    public string Sign(byte[] body) =>
        Convert.ToBase64String(_key.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>Verifies a base64 signature of <paramref name="body"/> with a public key PEM.</summary>
    public static bool Verify(byte[] body, string signature, ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        Span<byte> raw = stackalloc byte[128];
        return Convert.TryFromBase64String(signature, raw, out var length)
            && publicKey.VerifyData(body, raw[..length], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>Imports a public key PEM for <see cref="Verify"/>.</summary>
    public static ECDsa ImportPublicKey(string publicKeyPem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        return key;
    }

    /// <summary>SHA-256 (hex) of a key's SubjectPublicKeyInfo DER.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    public void Dispose() => _key.Dispose();
}
