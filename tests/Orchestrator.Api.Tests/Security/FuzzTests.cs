using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

public sealed class FuzzTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const int PerTarget = 400;

    /// <summary>A run request the API accepts as it stands (so every refusal below is the mutated field's).</summary>
    private const string ValidRun = """{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x","consent":"x","retention":"P1Y"}}""";

    /// <summary>Each target: a POST, a valid body, and the path of a required field whose every hostile value must be refused.</summary>
    public static TheoryData<string, string, string> Targets => new()
    {
        { "/api/runs", ValidRun, "modelName" },
        { "/api/runs", ValidRun, "dataset.kind" },
        { "/api/runs", ValidRun, "dataset.retention" },
        { "/api/runs", ValidRun, "dataset.parameters.seed" },
        { "/api/runs", ValidRun, "dataset.parameters.count" },
        { "/api/runs/abc/approvals", """{"decision":"approve","reason":"r","evidenceDigest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}""", "evidenceDigest" },
        { "/api/runs/abc/approvals", """{"decision":"approve","reason":"r","evidenceDigest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}""", "decision" },
        { "/api/datasets", """{"name":"d","source":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x","consent":"x","retention":"P1Y"}}""", "name" },
        { "/api/audit/export", """{"streamIds":["run-a"]}""", "streamIds" },
        { "/api/audit/verify", """{"streamId":"run-a"}""", "streamId" },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Post_HostileBodies_OnlyRefusedWith4xxProblemsAndNothingPersisted(string url, string valid, string field)
    {
        using var client = api.ClientAs("fuzzer", [.. Roles.All]);
        var before = await PersistedAsync();
        var input = new HostileInput(field.GetHashCode(StringComparison.Ordinal));
        var wrong = new List<string>();

        for (var i = 0; i < PerTarget; i++)
        {
            var body = input.Mutate(valid, field.Split('.'));
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content, Token);
            var status = (int)response.StatusCode;
            if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{status} for {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(200, body.Length)]}");
            }
        }

        wrong.ShouldBeEmpty();
        (await PersistedAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Post_OversizePayload_Returns413Problem()
    {
        using var client = api.ClientAs("fuzzer", [.. Roles.All]);
        using var content = new ByteArrayContent(new byte[17 * 1024 * 1024]);
        content.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync("/api/runs", content, Token);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Post_WrongContentType_Returns415Problem(string mediaType)
    {
        using var client = api.ClientAs("fuzzer", [.. Roles.All]);
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, mediaType);

        using var response = await client.PostAsync("/api/runs", content, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>Ledger rows and blobs: what a request could have persisted.</summary>
    private async Task<(long Events, int Blobs)> PersistedAsync()
    {
        _ = api.Services.GetRequiredService<Orchestrator.Audit.Ledger.IAuditLedger>(); // the schema is installed
        await using var connection = new NpgsqlConnection(api.PostgresConnectionString);
        await connection.OpenAsync(Token);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_name = 'mt_events'", connection);
        long events = 0;
        if ((long)(await count.ExecuteScalarAsync(Token))! > 0)
        {
            await using var rows = new NpgsqlCommand("SELECT count(*) FROM audit.mt_events", connection);
            events = (long)(await rows.ExecuteScalarAsync(Token))!;
        }

        var blobs = 0;
        var container = new Azure.Storage.Blobs.BlobServiceClient(api.BlobConnectionString).GetBlobContainerClient(api.BlobContainerName);
        if (await container.ExistsAsync(Token))
        {
            await foreach (var _ in container.GetBlobsAsync(cancellationToken: Token))
            {
                blobs++;
            }
        }

        return (events, blobs);
    }
}
