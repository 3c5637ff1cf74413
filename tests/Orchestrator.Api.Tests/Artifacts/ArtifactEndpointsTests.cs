using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Operations.Artifacts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Artifacts;

public sealed class ArtifactEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<(ArtifactRef Stored, byte[] Bytes)> StoreAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var stored = await api.Services.GetRequiredService<BlobArtifactStore>().PutAsync(bytes, "text/markdown", Token);
        return (stored, bytes);
    }

    [Fact]
    public async Task Get_StoredArtifact_StreamsItsBytesWithTheDigestAsETagAndReprDigest()
    {
        var (stored, bytes) = await StoreAsync($"# Evidence report {Guid.NewGuid()}\n\naccuracy 0.95\n");
        using var client = api.ClientAs("audrey", "auditor");

        using var response = await client.GetAsync($"/api/artifacts/{stored.Digest}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(Token)).ShouldBe(bytes);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        response.Content.Headers.ContentLength.ShouldBe(bytes.Length);
        response.Headers.ETag!.Tag.ShouldBe($"\"{stored.Digest}\"");
        response.Headers.GetValues("Repr-Digest").Single().ShouldBe($"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:");
    }

    [Fact]
    public async Task Get_BlobWhoseMetadataSaysHtml_ServedAsAnAttachmentThatCannotRunAsAPage()
    {
        var html = Encoding.UTF8.GetBytes($"<script>fetch('/api/audit/export',{{method:'POST'}})</script>{Guid.NewGuid()}");
        var stored = await api.Services.GetRequiredService<BlobArtifactStore>().PutAsync(html, "text/markdown", Token);
        var container = new BlobServiceClient(api.BlobConnectionString).GetBlobContainerClient(api.BlobContainerName);
        await container.GetBlobClient(BlobArtifactStore.BlobName(stored.Digest)).SetHttpHeadersAsync(new BlobHttpHeaders { ContentType = "text/html" }, cancellationToken: Token);
        using var client = api.ClientAs("audrey", "auditor");

        using var response = await client.GetAsync($"/api/artifacts/{stored.Digest}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync(Token)).ShouldBe(html);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/octet-stream");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe(stored.Digest.Replace(':', '-'));
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("sandbox");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("default-src 'none'");
    }

    [Fact]
    public async Task Get_LargeArtifact_StreamsEveryByte()
    {
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var stored = await api.Services.GetRequiredService<BlobArtifactStore>().PutAsync(bytes, "application/octet-stream", Token);
        using var client = api.ClientAs("bob", "approver");

        using var response = await client.GetAsync($"/api/artifacts/{stored.Digest}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        SHA256.HashData(await response.Content.ReadAsByteArrayAsync(Token)).ShouldBe(SHA256.HashData(bytes));
    }

    [Fact]
    public async Task Get_IfNoneMatchTheDigest_Returns304WithoutABody()
    {
        var (stored, _) = await StoreAsync($"model card {Guid.NewGuid()}");
        using var client = api.ClientAs("alice", "ml-engineer");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/artifacts/{stored.Digest}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{stored.Digest}\""));

        using var response = await client.SendAsync(request, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        (await response.Content.ReadAsByteArrayAsync(Token)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("sha256:0123")]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    public async Task Get_MalformedDigest_Returns400ProblemDetails(string digest)
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.GetAsync($"/api/artifacts/{digest}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ReadAsync(response)).GetProperty("errors").GetProperty("digest").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Get_UnknownDigest_Returns404ProblemDetails()
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.GetAsync($"/api/artifacts/sha256:{new string('0', 64)}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/not-found");
    }

    [Fact]
    public async Task Get_WithoutToken_Returns401()
    {
        var (stored, _) = await StoreAsync($"secret evidence {Guid.NewGuid()}");
        using var client = api.CreateClient();

        using var response = await client.GetAsync($"/api/artifacts/{stored.Digest}", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Get_BlobTamperedInStorage_NeverDeliversTheTamperedBytesWhole()
    {
        var (stored, bytes) = await StoreAsync($"approve: accuracy 0.95 {Guid.NewGuid()}");
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("0.95", "0.99", StringComparison.Ordinal));
        var container = new BlobServiceClient(api.BlobConnectionString).GetBlobContainerClient(api.BlobContainerName);
        await container.GetBlobClient(BlobArtifactStore.BlobName(stored.Digest))
            .UploadAsync(new BinaryData(tampered), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/markdown" } }, Token);
        using var client = api.ClientAs("audrey", "auditor");

        var body = new MemoryStream();
        var failure = await Record.ExceptionAsync(async () =>
        {
            using var response = await client.GetAsync($"/api/artifacts/{stored.Digest}", HttpCompletionOption.ResponseHeadersRead, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            await (await response.Content.ReadAsStreamAsync(Token)).CopyToAsync(body, Token);
        });

        // The server aborts the transfer (headers may or may not have gone out) or what arrived falls short
        // of the Content-Length: never the tampered bytes whole.
        failure.ShouldNotBeOfType<ShouldAssertException>();
        (failure is IOException or HttpRequestException or OperationCanceledException || body.Length < tampered.Length)
            .ShouldBeTrue($"received {body.Length} of {tampered.Length} bytes, failure: {failure}");
        body.ToArray().ShouldNotBe(tampered);
    }
}
