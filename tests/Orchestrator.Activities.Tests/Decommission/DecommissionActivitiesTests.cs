using Microsoft.Extensions.Options;
using Orchestrator.Activities.Decommission;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Contracts;
using Orchestrator.Ml.Serving;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Models;
using Orchestrator.Operations.Policies;
using Orchestrator.Testing;
using Orchestrator.Testing.Models;
using Orchestrator.Workflows.Decommission;
using Orchestrator.Workflows.Policies;
using Temporalio.Exceptions;

namespace Orchestrator.Activities.Tests.Decommission;

public sealed class DecommissionActivitiesTests(PostgresDatabase database, BlobContainer container)
    : LedgerTestBase(database), IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private static readonly PolicyCatalog Catalog = new(Options.Create(new PolicyCatalogOptions()));
    private readonly string _model = "dec-" + Guid.NewGuid().ToString("N")[..8];

    private static string PolicyDigest => Catalog.Find(new PolicyRef("default", 1))!.Digest;

    private async Task<string> SeedAsync()
    {
        var onnx = await new BlobArtifactStore(container.Client).PutAsync(ColourBaselineModel.Create(8), "application/onnx", Token);
        var context = new AuditContext(Actor.Service("test", "test"), new Correlation("seed", "seed"), null, []);
        var stream = AuditStreams.Model(_model);
        for (var v = 1; v <= 2; v++)
        {
            await Ledger.AppendAsync(stream, new ModelExported(v, $"run-{v}", Digest.FromHex(new string('d', 64)).ToString(), onnx.Digest, onnx.Uri, 0), context, $"e{v}", Token);
            await Ledger.AppendAsync(stream, new ModelDeployed(v, "production", 1.0), context, $"d{v}", Token);
        }

        return onnx.Digest;
    }

    [Fact]
    public async Task Decommission_SupersededTwice_RetiresOnceKeepsArtifactsPerRetention()
    {
        var digest = await SeedAsync();
        using var cache = new PredictorCache((_, _) => Task.FromResult(Array.Empty<byte>()));
        var activities = new DecommissionActivities(new Decommissioner(Models, container.Client, cache, TimeProvider.System), Audit, Catalog);
        var input = new IDecommissionActivities.Input(_model, 1, "superseded by v2 after the grace period", PolicyDigest);

        var first = await Activity("wf", "3").RunAsync(() => activities.DecommissionAsync(input));
        var second = await Activity("wf", "3", attempt: 2).RunAsync(() => activities.DecommissionAsync(input));
        var production = await Should.ThrowAsync<ApplicationFailureException>(() =>
            Activity("wf", "4").RunAsync(() => activities.DecommissionAsync(input with { Version = 2 })));

        (first.Successor, first.ArtifactsDeleted, first.AlreadyDecommissioned).ShouldBe((2, false, false));
        second.AlreadyDecommissioned.ShouldBeTrue();
        production.ErrorType.ShouldBe("PolicyViolation");
        var entries = await Ledger.ReadStreamAsync(AuditStreams.Model(_model), cancellationToken: Token);
        entries.Select(e => e.Data).OfType<ModelDecommissioned>().ShouldHaveSingleItem().Version.ShouldBe(1);
        var retained = entries.Select(e => e.Data).OfType<ModelArtifactsRetained>().ShouldHaveSingleItem();
        (retained.Deleted, retained.Retention).ShouldBe((false, "P7Y"));
        (await new BlobArtifactStore(container.Client).ExistsAsync(digest, Token)).ShouldBeTrue();
    }
}
