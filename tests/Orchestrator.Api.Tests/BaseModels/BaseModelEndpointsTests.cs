using System.Net;
using System.Net.Http.Json;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.BaseModels;

public sealed class BaseModelEndpointsTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public BaseModelEndpointsTests(ApiFactory api)
    {
        _api = api;
        // The API role reads weights from Orchestrator:Data:LocalRoots; here the checkout, where the fixtures are.
        _api.Settings["Orchestrator:Data:LocalRoots:0"] = BaseModelFiles.Root;
    }

    private static object Body(string name, string location, string architecture = "mobilenet_v3_small", string licence = "none (random weights)") => new
    {
        name,
        architecture,
        location,
        source = "torchvision 0.14, random weights",
        licence,
    };

    [Fact]
    public async Task Register_NewThenSameThenOtherTerms_Returns201Then200Then409AndShowsTheRecord()
    {
        using var client = _api.ClientAs("alice", "ml-engineer");

        using var created = await client.PostAsJsonAsync("/api/base-models", Body("mnv3", BaseModelFiles.MobileNet), Token);
        using var same = await client.PostAsJsonAsync("/api/base-models", Body("mnv3", BaseModelFiles.MobileNet), Token);
        using var other = await client.PostAsJsonAsync("/api/base-models", Body("mnv3", BaseModelFiles.MobileNet, licence: "MIT"), Token);
        using var shown = await client.GetAsync("/api/base-models/mnv3", Token);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        same.StatusCode.ShouldBe(HttpStatusCode.OK);
        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var registration = (await ReadAsync(shown)).GetProperty("registration");
        registration.GetProperty("architecture").GetString().ShouldBe("mobilenet_v3_small");
        registration.GetProperty("weightsDigest").GetString()!.ShouldStartWith("sha256:");
        registration.GetProperty("licence").GetString().ShouldBe("none (random weights)");
        registration.GetProperty("preprocessing").GetProperty("preprocessing.resize_shorter_side").GetString().ShouldBe("256");
        (await ReadAsync(shown)).GetProperty("registeredBy").GetString().ShouldBe("alice");
    }

    [Fact]
    public async Task List_TwoRegistered_ListsThemByNameWithTheirTermsPageByPage()
    {
        using var engineer = _api.ClientAs("alice", "ml-engineer");
        using var auditor = _api.ClientAs("carol", "auditor");
        // Names that sort before any other test's, so they are the first page whatever else this class registered.
        using var second = await engineer.PostAsJsonAsync("/api/base-models", Body("aaa-list-2", BaseModelFiles.MobileNet, licence: "Apache-2.0"), Token);
        using var first = await engineer.PostAsJsonAsync("/api/base-models", Body("aaa-list-1", BaseModelFiles.MobileNet), Token);

        using var all = await auditor.GetAsync("/api/base-models", Token);
        using var page = await auditor.GetAsync("/api/base-models?take=1", Token);

        (first.StatusCode, second.StatusCode).ShouldBe((HttpStatusCode.Created, HttpStatusCode.Created));
        all.StatusCode.ShouldBe(HttpStatusCode.OK);
        var items = (await ReadAsync(all)).GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("name").GetString()).Take(2).ShouldBe(["aaa-list-1", "aaa-list-2"]);
        var listed = items[1];
        listed.GetProperty("architecture").GetString().ShouldBe("mobilenet_v3_small");
        listed.GetProperty("weightsDigest").GetString()
            .ShouldBe((await ReadAsync(second)).GetProperty("registration").GetProperty("weightsDigest").GetString());
        listed.GetProperty("source").GetString().ShouldBe("torchvision 0.14, random weights");
        listed.GetProperty("licence").GetString().ShouldBe("Apache-2.0");
        listed.GetProperty("format").GetString().ShouldBe("PyTorch");
        listed.GetProperty("registeredBy").GetString().ShouldBe("alice");
        listed.GetProperty("registeredAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-10));
        var firstPage = await ReadAsync(page);
        firstPage.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ShouldBe(["aaa-list-1"]);
        using var next = await auditor.GetAsync(firstPage.GetProperty("next").GetString(), Token);
        (await ReadAsync(next)).GetProperty("items")[0].GetProperty("name").GetString().ShouldBe("aaa-list-2");
    }

    [Theory]
    [InlineData("take=0", "take")]
    [InlineData("take=201", "take")]
    [InlineData("skip=-1", "skip")]
    public async Task List_PagingOutOfRange_Returns400ProblemNamingTheParameter(string query, string parameter)
    {
        using var client = _api.ClientAs("carol", "auditor");

        using var refused = await client.GetAsync($"/api/base-models?{query}", Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await ReadAsync(refused);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/validation");
        problem.GetProperty("errors").TryGetProperty(parameter, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task List_Anonymous_Returns401()
    {
        using var client = _api.CreateClient();

        using var refused = await client.GetAsync("/api/base-models", Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Register_WeightsOfAnotherArchitecture_Returns400NamingTheFirstBadKeyAndRecordsNothing()
    {
        using var client = _api.ClientAs("alice", "ml-engineer");

        using var refused = await client.PostAsJsonAsync("/api/base-models", Body("not-a-resnet18", BaseModelFiles.SharedBasic, architecture: "resnet18"), Token);
        using var shown = await client.GetAsync("/api/base-models/not-a-resnet18", Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadAsync(refused);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/weights-mismatch");
        problem.GetProperty("key").GetString().ShouldBe("layer1.1.conv1.weight");
        problem.GetProperty("problem").GetString().ShouldBe("MissingKey");
        problem.GetProperty("detail").GetString()!.ShouldContain("'layer1.1.conv1.weight'");
        shown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Register_LocationOutsideTheDataRoots_Returns400()
    {
        using var client = _api.ClientAs("alice", "ml-engineer");

        using var refused = await client.PostAsJsonAsync("/api/base-models", Body("outside", "/etc/passwd"), Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync(refused)).GetProperty("detail").GetString()!.ShouldContain("not under a local data root");
    }

    [Fact]
    public async Task Register_AsAuditor_Returns403()
    {
        using var client = _api.ClientAs("carol", "auditor");

        using var refused = await client.PostAsJsonAsync("/api/base-models", Body("mnv3-auditor", BaseModelFiles.MobileNet), Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task StartRun_UnknownBaseModel_Returns400()
    {
        using var client = _api.ClientAs("alice", "ml-engineer");
        var body = new
        {
            modelName = "shapes",
            dataset = new { kind = "synthetic", parameters = new Dictionary<string, string> { ["count"] = "60", ["seed"] = "7" }, licence = "CC0-1.0", consent = "synthetic", retention = "P7Y" },
            baseModel = "no-such-base",
        };

        using var refused = await client.PostAsJsonAsync("/api/runs", body, Token);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync(refused)).GetProperty("errors").GetProperty("BaseModel")[0].GetString()!.ShouldContain("no-such-base");
    }
}
