using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Datasets;

public sealed class DatasetEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    // Each test registers its own name: the class shares one factory (one blob container), and the test order
    // depends on the assembly's path, so a shared name made Register_New... see the other test's registration.
    private static object Body(string seed = "7", string name = "shapes-small") => new
    {
        name,
        source = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["seed"] = seed, ["count"] = "60" }, licence = "CC0-1.0", consent = "synthetic", retention = "P1Y" },
        description = "synthetic shapes",
    };

    [Fact]
    public async Task Register_NewThenSameThenDifferent_Returns201Then200Then409()
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var created = await client.PostAsJsonAsync("/api/datasets", Body(), Token);
        using var same = await client.PostAsJsonAsync("/api/datasets", Body(), Token);
        using var different = await client.PostAsJsonAsync("/api/datasets", Body("8"), Token);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        same.StatusCode.ShouldBe(HttpStatusCode.OK);
        different.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Versions_RunUsedTheDataset_ListsTheAcquiredManifest()
    {
        using var client = api.ClientAs("alice", "ml-engineer");
        using var register = await client.PostAsJsonAsync("/api/datasets", Body(name: "shapes-versions"), Token);
        using var start = await client.PostAsJsonAsync("/api/runs", new { modelName = "shapes", datasetName = "shapes-versions" }, Token);
        start.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await ReadAsync(start)).GetProperty("runId").GetString()!;
        var digest = Digest.FromHex(new string('c', 64)).ToString();
        await api.Services.GetRequiredService<IAuditLedger>().AppendAsync(AuditStreams.Run(runId),
            new DatasetAcquired("synthetic", digest, 60, new Dictionary<string, int> { ["circle"] = 60 }, "CC0-1.0", "P1Y"),
            new AuditContext(Actor.Service("orchestrator-worker", "test"), new Correlation("wf", runId), null, []), "dataset-acquired", Token);

        using var versions = await client.GetAsync("/api/datasets/shapes-versions/versions", Token);

        var version = (await ReadAsync(versions)).EnumerateArray().ShouldHaveSingleItem();
        version.GetProperty("manifestDigest").GetString().ShouldBe(digest);
        version.GetProperty("runs").EnumerateArray().Select(r => r.GetString()).ShouldBe([runId]);
    }

    [Theory]
    [InlineData("""{"name":"../x","source":{"kind":"synthetic","licence":"x","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"name":"ok","source":{"kind":"image-folder","licence":"x","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"name":"ok"}""")]
    [InlineData("""{"name":"ok","source":{"kind":"multi-label","location":"blob://data/tags","licence":"x","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"name":"ok","source":{"kind":"multi-label","location":"blob://data/tags","parameters":{"labels":"labels.txt"},"licence":"x","consent":"x","retention":"P1Y"}}""")]
    public async Task Register_Invalid_Returns400AndRegistersNothing(string json)
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.PostAsync("/api/datasets", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var get = await client.GetAsync("/api/datasets/ok", Token);
        get.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Register_MultiLabelSourceWithItsLabelFile_Returns201()
    {
        using var client = api.ClientAs("alice", "ml-engineer");
        var body = new
        {
            name = "tags-multi",
            source = new { kind = "multi-label", location = "blob://data/tags", parameters = new Dictionary<string, string> { ["labels"] = "labels.jsonl" }, licence = "CC0-1.0", consent = "synthetic", retention = "P1Y" },
        };

        using var created = await client.PostAsJsonAsync("/api/datasets", body, Token);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Versions_UnknownDataset_Returns404()
    {
        using var client = api.ClientAs("alice", "ml-engineer");

        using var response = await client.GetAsync("/api/datasets/unknown/versions", Token);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
