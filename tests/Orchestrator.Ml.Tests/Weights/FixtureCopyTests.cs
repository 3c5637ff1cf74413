using System.Security.Cryptography;

namespace Orchestrator.Ml.Tests.Weights;

/// <summary>The committed torchvision fixtures are the shared ones, byte for byte.</summary>
public sealed class FixtureCopyTests
{
    private static IEnumerable<(string File, string Sha256)> Sums() =>
        File.ReadAllLines(Path.Combine(TorchvisionFixtures.SharedDirectory, "SHA256SUMS"))
            .Where(l => l.Length > 0)
            .Select(l => (l[66..], l[..64]));

    [Fact]
    public void CommittedCopy_MatchesItsRecordedDigests()
    {
        var sums = Sums().ToList();

        sums.Select(s => s.File).ShouldBe(["README.md", "references.json", "tv-resnet-basic-1111.safetensors", "tv-resnet-bottleneck-1111.safetensors"]);
        foreach (var (file, sha256) in sums)
        {
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(TorchvisionFixtures.SharedDirectory, file)))).ShouldBe(sha256, file);
        }
    }

    [Fact]
    public void CommittedCopy_IsTheSharedFolderWhereThatIsBesideTheCheckout()
    {
        if (TorchvisionFixtures.UpstreamDirectory is not { } upstream)
        {
            // A clone elsewhere has only the committed copy, whose digests the test above checks.
            return;
        }

        foreach (var (file, sha256) in Sums())
        {
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(upstream, file)))).ShouldBe(sha256, file);
        }
    }
}
