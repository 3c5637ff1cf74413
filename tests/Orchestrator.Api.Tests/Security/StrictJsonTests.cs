using System.Net;
using System.Text;
using Orchestrator.Api.Identity;
using Orchestrator.Client;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>
/// Strict JSON means strict: a member given twice, in any casing, is refused (the last one would otherwise win and
/// widen a request from one stream to the whole ledger), and no string of a body may hold U+0000 or an unpaired surrogate.
/// </summary>
public sealed class StrictJsonTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/audit/verify", """{"streamId":"run-x","StreamID":null}""")]
    [InlineData("/api/audit/verify", """{"streamId":"run-x","streamId":null}""")]
    [InlineData("/api/audit/verify", """{"StreamId":null,"streamid":"run-x"}""")]
    [InlineData("/api/audit/export", """{"streamIds":["run-x"],"STREAMIDS":null}""")]
    [InlineData("/api/runs", """{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x","consent":"x","retention":"P1Y","Retention":"P1Y"}}""")]
    [InlineData("/api/runs", """{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1","seed":"2"},"licence":"x","consent":"x","retention":"P1Y"}}""")]
    public async Task Post_DuplicateMemberInAnyCasing_Returns400AndDoesNothing(string url, string body)
    {
        using var client = api.ClientAs("audrey", Roles.Auditor, Roles.MlEngineer);

        using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Post_SameMembersOnce_IsAccepted()
    {
        using var client = api.ClientAs("audrey", Roles.Auditor);

        using var response = await client.PostAsync("/api/audit/verify", new StringContent("""{"StreamID":"run-x"}""", Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadAsync(response)).GetProperty("streamsChecked").GetInt32().ShouldBeLessThanOrEqualTo(1); // one stream, not the ledger
    }

    [Theory]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x\u0000","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1","x\u0000":"1"},"licence":"x","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x\ud800","consent":"x","retention":"P1Y"}}""")]
    [InlineData("""{"modelName":"m","dataset":{"kind":"synthetic","parameters":{"count":"4","seed":"1"},"licence":"x\udc00\ud800","consent":"x","retention":"P1Y"}}""")]
    public async Task Post_NulOrUnpairedSurrogateInAnyString_Returns400BadRequestAtBinding(string body)
    {
        using var client = api.ClientAs("erin", Roles.MlEngineer);

        using var response = await client.PostAsync("/api/runs", new StringContent(body, Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync(response)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/bad-request");
    }

    [Theory]
    [InlineData("""{"images":["aGk="],"images":["aGk="]}""")]
    [InlineData("""{"images":["aGk="],"extra":1}""")]
    public async Task Predict_JsonBatchWithRepeatedOrUnknownMembers_Returns400(string body)
    {
        var model = Predictions.ServingFixture.NewModel();
        await Predictions.ServingFixture.SeedAsync(api, model);
        using var client = api.ClientAs("svc", Roles.Predictor);

        using var response = await client.PostAsync($"/api/models/{model}/predict", new StringContent(body, Encoding.UTF8, "application/json"), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
