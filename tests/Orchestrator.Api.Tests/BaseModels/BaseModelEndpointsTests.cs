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
