using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Events.Runs;
using Orchestrator.Contracts;
using Orchestrator.EndToEnd.Tests.Support;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Evidence;
using Orchestrator.Testing;
using Orchestrator.Testing.Temporal;
using Orchestrator.Workflows.Acquire;
using Orchestrator.Workflows.Ledger;
using Orchestrator.Workflows.Lifecycle;

namespace Orchestrator.EndToEnd.Tests.Lifecycle;

/// <summary>
/// Slices on real data, as a user meets them: an image-folder run under a policy that bounds the worst-slice gap (and does
/// not waive it). Without a slice file the data has no subgroups, so the gap is not measured and the evaluation gate fails
/// saying so; with a slice file registered with the same folder the gap is measured on the test split and judged.
/// </summary>
public sealed class SliceGateEndToEndTests(TemporalEnvironment temporal, PostgresDatabase database, BlobContainer blob)
    : IClassFixture<TemporalEnvironment>, IClassFixture<PostgresDatabase>, IClassFixture<BlobContainer>
{
    private const string Check = "worst-slice-gap";

    [Fact]
    public async Task Run_ImageFolderWithoutSliceFile_FailsEvaluationGateAsNotMeasured()
    {
        using var folder = ShapesFolder.Create();
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = ImageFolderRun(deployment, folder.Path, slices: null);

        var result = await (await E2eRuns.StartAsync(deployment, input)).GetResultAsync();

        result.Outcome.ShouldBe(RunOutcome.Failed, result.Reason);
        result.Stage.ShouldBe(Stages.Evaluate);
        result.Reason.ShouldContain("worst-slice gap not measured");
        var (evaluated, gate, markdown) = await EvaluationAsync(deployment, input);
        evaluated.Verdict.ShouldBe(GateVerdict.Failed);
        markdown.ShouldContain("| worst-slice gap | not measured (no slice large enough) |");
        evaluated.PerSlice.ShouldBeEmpty();
        evaluated.Metrics.ContainsKey(Check).ShouldBeFalse("an unmeasured gap is not recorded as 0");
        gate.Single(l => l.Check == Check).ShouldSatisfyAllConditions(
            l => l.Outcome.ShouldBe("not-measured"),
            l => l.Waiver.ShouldBeNull(),
            l => l.Detail.ShouldContain("the policy allows at most 0.5"));
        // Every other check this lenient policy sets passed: the slice gap alone failed the gate.
        gate.Where(l => l.Check != Check).ShouldAllBe(l => l.Outcome == "passed" || l.Outcome == "waived");
    }

    [Fact]
    public async Task Run_ImageFolderWithSliceFile_MeasuresWorstSliceGapOnTheTestSplit()
    {
        using var folder = ShapesFolder.Create();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "slices.csv"), folder.SliceCsv(), TestContext.Current.CancellationToken);
        await using var deployment = await E2eDeployment.CreateAsync(temporal, database, blob);
        await deployment.StartHostAsync("all");
        var input = ImageFolderRun(deployment, folder.Path, slices: "slices.csv");

        var handle = await E2eRuns.StartAsync(deployment, input);
        // The gate decides at the evaluate stage; whether the model then passes or fails its slice bound, the gap was measured.
        await E2eRuns.UntilLedgerAsync(deployment, input.RunId, facts => facts.Contains(nameof(ApprovalRequested)) || facts.Contains(nameof(RunFailed)), seconds: 300);
        var awaitsApproval = (await E2eRuns.FactsAsync(deployment, AuditStreams.Run(input.RunId))).Contains(nameof(ApprovalRequested));

        var acquired = (await E2eRuns.StreamAsync(deployment, AuditStreams.Run(input.RunId))).Single(e => e.Data is DatasetAcquired);
        acquired.Context.Evidence.ShouldContain(e => e.Name == "slice-metadata" && Digest.ParseEither(e.Sha256) == Digest.Of(Encoding.UTF8.GetBytes(folder.SliceCsv())));
        var (evaluated, gate, markdown) = await EvaluationAsync(deployment, input);
        markdown.ShouldContain("| site=north |");
        var sites = evaluated.PerSlice.Where(s => s.Key.StartsWith("site=", StringComparison.Ordinal)).ToList();
        sites.Select(s => s.Key).Order(StringComparer.Ordinal).ShouldBe(["site=north", "site=south"]);
        sites.ShouldAllBe(s => s.Value["count"] >= ShapesFolder.TestItemsPerSite);
        var gap = evaluated.Metrics["worst-slice-gap"];
        var line = gate.Single(l => l.Check == Check);
        line.Outcome.ShouldBeOneOf("passed", "failed");
        line.Waiver.ShouldBeNull();
        line.Detail.ShouldStartWith("accuracy gap to the worst slice (site=");
        line.Detail.ShouldContain(gap.ToString("0.####", CultureInfo.InvariantCulture));
        (line.Outcome == "passed").ShouldBe(gap <= 0.5);
        (evaluated.Verdict == GateVerdict.Passed).ShouldBe(awaitsApproval);
        if (awaitsApproval)
        {
            await handle.CancelAsync();
        }
    }

    private static ModelLifecycleWorkflow.Input ImageFolderRun(E2eDeployment deployment, string location, string? slices) =>
        E2eRuns.Input(deployment, E2ePolicies.Sliced) with
        {
            Dataset = new DatasetSource("image-folder", location,
                slices is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [IAcquireActivities.SlicesParameter] = slices },
                "CC0-1.0", "none", "P7Y"),
        };

    /// <summary>The ModelEvaluated entry of the run's version, and the gate lines and Markdown of the evidence report it names.</summary>
    private static async Task<(ModelEvaluated Event, IReadOnlyList<GateCheckLine> Gate, string Markdown)> EvaluationAsync(E2eDeployment deployment, ModelLifecycleWorkflow.Input input)
    {
        var entry = (await E2eRuns.StreamAsync(deployment, AuditStreams.Model(input.ModelName))).Single(e => e.Data is ModelEvaluated);
        var index = entry.Context.Evidence.Single(e => e.Name == "evaluation-evidence");
        var store = deployment.Services.GetRequiredService<BlobArtifactStore>();
        var files = EvidenceBundle.Parse(await store.GetAsync(Digest.ParseEither(index.Sha256).ToString(), TestContext.Current.CancellationToken)).Files;
        var report = EvidenceReport.FromJson(await store.GetAsync(files["report.json"].Digest, TestContext.Current.CancellationToken));
        var markdown = Encoding.UTF8.GetString(await store.GetAsync(files["report.md"].Digest, TestContext.Current.CancellationToken));
        return ((ModelEvaluated)entry.Data, report.Gate.ShouldNotBeNull(), markdown);
    }

    /// <summary>
    /// An image folder (class/NNNN.png) of synthetic shapes in a temporary directory, which development workers may read. It keeps
    /// every image the content-keyed split puts in the test split up to <see cref="TestItems"/> and 200 others, so the test split is
    /// large enough for two slices of 20 while training stays as small as the other end-to-end runs.
    /// </summary>
    private sealed class ShapesFolder : IDisposable
    {
        public const int TestItemsPerSite = 22;

        private const int TestItems = 2 * TestItemsPerSite;

        private readonly List<(string Path, bool Test)> _items = [];

        private ShapesFolder(string path) => Path = path;

        public string Path { get; }

        public static ShapesFolder Create()
        {
            var folder = new ShapesFolder(Directory.CreateTempSubdirectory("orchestrator-slices-").FullName);
            var images = new SyntheticShapes(new SyntheticShapesOptions(Seed: 21, Count: 1000)).Generate();
            var (test, other) = (0, 0);
            foreach (var image in images)
            {
                var png = ImageCodec.EncodePng(image.Image);
                var inTest = DatasetSplitter.Assign(Digest.Of(png).ToString(), SplitFractions.Default) == DataSplit.Test;
                if (inTest ? test++ >= TestItems : other++ >= 200)
                {
                    continue;
                }

                var path = $"{image.Label}/{folder._items.Count:D4}.png";
                Directory.CreateDirectory(System.IO.Path.Combine(folder.Path, image.Label));
                File.WriteAllBytes(System.IO.Path.Combine(folder.Path, path), png);
                folder._items.Add((path, inTest));
            }

            folder._items.Count(i => i.Test).ShouldBe(TestItems, "the generator drew too few test-split images");
            return folder;
        }

        /// <summary>"item,site": the sites alternate within the test split and within the rest, so each has half of both.</summary>
        public string SliceCsv()
        {
            var csv = new StringBuilder("item,site\n");
            foreach (var group in _items.GroupBy(i => i.Test))
            {
                foreach (var (item, index) in group.Select((item, index) => (item, index)))
                {
                    csv.Append(item.Path).Append(',').Append(index % 2 == 0 ? "north" : "south").Append('\n');
                }
            }

            return csv.ToString();
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
