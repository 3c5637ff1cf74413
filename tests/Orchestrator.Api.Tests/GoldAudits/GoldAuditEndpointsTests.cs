using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.GoldAudits;

/// <summary>POST /api/runs/{id}/gold-audit: checked by the workflow's rules before anything is recorded; GET lists the sample.</summary>
public sealed class GoldAuditEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string LabelSet = Digest.FromHex(new string('b', 64)).ToString();
    private static readonly string Image = Digest.FromHex(new string('c', 64)).ToString();

    /// <summary>What the worker records when the run starts waiting for a human audit.</summary>
    private async Task RecordAwaitingAuditAsync(string runId)
    {
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var context = new AuditContext(Actor.Service("orchestrator-worker", "test@host"), new Correlation($"model-lifecycle-{runId}", runId), null, []);
        await ledger.AppendAsync(AuditStreams.Run(runId), new RunStarted($"model-lifecycle-{runId}", api.TaskQueue), context, "run-started", Token);
        await ledger.AppendAsync(AuditStreams.Run(runId), new GoldAuditRequested(LabelSet, [new GoldAuditItem("i1", Image), new GoldAuditItem("i2", Image)],
            ["circle", "square"], ["annotator-1"], DateTimeOffset.UtcNow.AddDays(1)), context, "gold-audit-requested", Token);
    }

    private static object Body(params object[] labels) => new { labelSetDigest = LabelSet, labels };

    [Fact]
    public async Task List_AwaitingAudit_ShowsItemsWithImageLinksAndNoLabels()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        using var reviewer = api.ClientAs("rita", "reviewer");

        var view = await ReadAsync(await reviewer.GetAsync($"/api/runs/{runId}/gold-audit", Token));

        view.GetProperty("open").GetBoolean().ShouldBeTrue();
        view.GetProperty("labelSetDigest").GetString().ShouldBe(LabelSet);
        var item = view.GetProperty("items")[0];
        item.GetProperty("image").GetString().ShouldBe($"/api/artifacts/{Image}");
        item.TryGetProperty("label", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("i9", "circle", "item 'i9' is not in the audit sample")]
    [InlineData("i1", "hexagon", "'hexagon' is not one of the classes")]
    public async Task Submit_UnknownItemOrClass_Returns400AndRecordsNothing(string item, string label, string problem)
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;
        using var reviewer = api.ClientAs("rita", "reviewer");

        using var response = await reviewer.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(new { itemId = item, label }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync(Token)).ShouldContain(problem);
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_NoLabels_Returns400AndRecordsNothing()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;
        using var reviewer = api.ClientAs("rita", "reviewer");

        using var response = await reviewer.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Theory]
    [InlineData("ALICE", "requested this run")]
    [InlineData("Annotator-1", "annotated this run's data")]
    public async Task Submit_RequesterOrAnnotator_Returns403AndRecordsNothing(string who, string why)
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        var before = (await StreamAsync(api, runId)).Count;
        using var reviewer = api.ClientAs(who, "reviewer");

        using var response = await reviewer.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(new { itemId = "i1", label = "circle" }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await ReadAsync(response)).GetProperty("detail").GetString()!.ShouldContain(why);
        (await StreamAsync(api, runId)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task Submit_WithoutReviewerRole_Returns403()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        using var approver = api.ClientAs("paula", "approver");

        using var response = await approver.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(new { itemId = "i1", label = "circle" }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Submit_IndependentReviewerNoWorker_RecordsGoldAuditSubmittedAsTheReviewerAndAnswers202()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        await RecordAwaitingAuditAsync(runId);
        using var reviewer = api.ClientAs("rita", "reviewer");

        using var response = await reviewer.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(new { itemId = "i1", label = "circle" }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var entry = (await StreamAsync(api, runId))[^1];
        entry.Data.ShouldBeOfType<GoldAuditSubmitted>().Labels.ShouldBe([new GoldAuditItemLabel("i1", "circle")]);
        entry.Context.Actor.Id.ShouldBe("rita");
    }

    [Fact]
    public async Task Submit_RunNotWaitingForAudit_Returns409()
    {
        using var engineer = api.ClientAs("alice", "ml-engineer");
        var runId = await StartRunAsync(engineer);
        using var reviewer = api.ClientAs("rita", "reviewer");

        using var response = await reviewer.PostAsJsonAsync($"/api/runs/{runId}/gold-audit", Body(new { itemId = "i1", label = "circle" }), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
