using System.Security.Cryptography;
using System.Text;
using Orchestrator.Contracts;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Testing;

namespace Orchestrator.Activities.Tests.Artifacts;

public sealed class BlobArtifactStoreTests(BlobContainer container) : IClassFixture<BlobContainer>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PutThenGet_RealAzurite_RoundTripsAndNamesBlobByDigest()
    {
        var store = new BlobArtifactStore(container.Client);
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var reference = await store.PutAsync(bytes, "application/octet-stream", Token);

        reference.Digest.ShouldBe(Digest.Of(bytes).ToString());
        reference.Size.ShouldBe(bytes.Length);
        (await store.GetAsync(reference.Digest, Token)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Put_SameBytesTwice_ReturnsSameReference()
    {
        var store = new BlobArtifactStore(container.Client);
        var bytes = Encoding.UTF8.GetBytes("idempotent upload");

        var first = await store.PutAsync(bytes, "text/plain", Token);
        var second = await store.PutAsync(bytes, "text/plain", Token);

        second.ShouldBe(first);
    }

    [Fact]
    public async Task Get_BytesChangedBehindTheStore_ThrowsIntegrityError()
    {
        var store = new BlobArtifactStore(container.Client);
        var reference = await store.PutAsync(Encoding.UTF8.GetBytes("original"), "text/plain", Token);
        await container.Client.GetBlobClient(BlobArtifactStore.BlobName(reference.Digest))
            .UploadAsync(BinaryData.FromString("tampered"), overwrite: true, Token);

        var error = await Should.ThrowAsync<ArtifactIntegrityException>(() => store.GetAsync(reference.Digest, Token));

        error.Expected.ShouldBe(reference.Digest);
    }

    [Fact]
    public async Task Get_UnknownDigest_ThrowsNotFound()
    {
        var store = new BlobArtifactStore(container.Client);
        var digest = Digest.FromHex(new string('0', 64)).ToString();

        await Should.ThrowAsync<ArtifactNotFoundException>(() => store.GetAsync(digest, Token));
    }

    [Theory]
    [InlineData("md5:abc")]
    [InlineData("sha256:ABCDEF")]
    [InlineData("sha256:../../etc/passwd")]
    public void BlobName_MalformedDigest_IsRefused(string digest) =>
        Should.Throw<ArgumentException>(() => BlobArtifactStore.BlobName(digest));
}
