using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Orchestrator.Api.Identity;
using Orchestrator.Api.Tests.Predictions;
using Orchestrator.Client;
using Orchestrator.Ml.Tests.Data;
using static Orchestrator.Api.Tests.RunFixtures;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Runs alone: it measures the process's memory, which tests running beside it would disturb.</summary>
[CollectionDefinition(nameof(PredictBombTests), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>
/// The predict endpoint fed images that lie about their size, of every accepted format (PNG, baseline and progressive
/// JPEG), alone and in JSON batches up to the 8 MiB body limit, for a deployed model: every one is refused from its
/// header, and the whole run stays within a stated bound of memory and time. One decode of one of them costs far more
/// than the bound: stb decoded a 615-byte JPEG declaring 16384x16384 in 20 s and +1 GB, and a 0.5 MB PNG declaring
/// 1x1 that inflates to 512 MB in 6 s and +540 MB (measured 2026-12-05, ImageHeaderTests' notes).
/// </summary>
[Collection(nameof(PredictBombTests))]
public sealed class PredictBombTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>Peak growth of the process's working set over the whole run.</summary>
    private const long MemoryBound = 200L * 1024 * 1024;

    /// <summary>Wall time of the whole run (about 120 requests, bodies up to 8 MiB, on a loaded 2-core machine).</summary>
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(60);

    public static IEnumerable<(string Name, string MediaType, byte[] Body)> Bombs()
    {
        foreach (var (width, height) in new[] { (16384, 16384), (65535, 65535), (4097, 16), (16, 4097), (65535, 1) })
        {
            yield return ($"png {width}x{height}", "image/png", HostileImages.Png(width, height));
            yield return ($"jpeg {width}x{height}", "image/jpeg", HostileImages.BaselineJpeg(width, height));
            yield return ($"progressive jpeg {width}x{height}", "image/jpeg", HostileImages.ProgressiveJpeg(width, height));
        }

        yield return ("1 MB jpeg 16384x16384 (the issue's)", "image/jpeg", HostileImages.BaselineJpeg(16384, 16384, padTo: 1_000_000));
        yield return ("png 1x1 inflating to 512 MB", "image/png", HostileImages.PngDeflateBomb(512L * 1024 * 1024));
        // Within the side limit, beyond the request's pixel budget together (4096 x 4096 each).
        yield return ("batch of two 4096x4096 png", "application/json", Batch(HostileImages.Png(4096, 4096), HostileImages.Png(4096, 4096)));
        yield return ("batch of 32 jpeg 16384x16384", "application/json", Batch([.. Enumerable.Repeat(HostileImages.BaselineJpeg(16384, 16384), 32)]));
        yield return ("8 MiB batch of five 1 MB jpeg 16384x16384", "application/json", Batch([.. Enumerable.Repeat(HostileImages.BaselineJpeg(16384, 16384, padTo: 1_000_000), 5)]));
        yield return ("batch of progressive jpeg and png bombs", "application/json",
            Batch(HostileImages.ProgressiveJpeg(30000, 30000), HostileImages.PngDeflateBomb(256L * 1024 * 1024), HostileImages.Png(65535, 65535)));
    }

    [Fact]
    public async Task Predict_ImagesDeclaringHugeSizes_AllRefusedWithinTheMemoryAndTimeBound()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var client = api.ClientAs("mallory", Roles.Predictor);
        var bombs = Bombs().ToList();
        // Warm up (JIT, the model's session, connection pools) with a real image and one refusal, outside the measurement.
        using (var warm = await client.PostAsync($"/api/models/{model}/predict", ServingFixture.Png(200, 10, 10), Token))
        {
            warm.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await SendAsync(client, model, bombs[0]);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = Environment.WorkingSet;
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Environment.WorkingSet);
                await Task.Delay(5, CancellationToken.None);
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var wrong = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var bomb in bombs)
            {
                var (status, type) = await SendAsync(client, model, bomb);
                if (status is not (HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest) || !type.StartsWith("https://orchestrator.dev/problems/", StringComparison.Ordinal))
                {
                    wrong.Add($"{bomb.Name}: {(int)status} {type}");
                }
            }
        }

        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;

        TestContext.Current.TestOutputHelper?.WriteLine($"{bombs.Count * 3} requests in {elapsed.TotalSeconds:0.0} s; working set {baseline / 1e6:0} MB, peak +{(peak - baseline) / 1e6:0} MB");
        wrong.ShouldBeEmpty();
        (peak - baseline).ShouldBeLessThan(MemoryBound);
        elapsed.ShouldBeLessThan(TimeBound);
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(1); // the warm-up, and nothing else
    }

    [Fact]
    public async Task Predict_UnknownOrStoppedModel_AnsweredBeforeTheBodyIsLookedAt()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using (var approver = api.ClientAs("paula", Roles.Approver))
        using (var stop = await approver.PostAsync($"/api/models/{model}/stop", new StringContent("{\"reason\":\"incident\"}", System.Text.Encoding.UTF8, "application/json"), Token))
        {
            stop.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var client = api.ClientAs("mallory", Roles.Predictor);
        using var garbage = new StringContent("not an image at all", System.Text.Encoding.UTF8, "text/plain");
        using var bomb = new ByteArrayContent(HostileImages.BaselineJpeg(16384, 16384, padTo: 1_000_000)) { Headers = { ContentType = new("image/jpeg") } };

        // A body the endpoint would refuse (415) or a bomb: the route decides first.
        using var unknown = await client.PostAsync("/api/models/no-such-model/predict", garbage, Token);
        using var stopped = await client.PostAsync($"/api/models/{model}/predict", bomb, Token);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        stopped.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ReadAsync(stopped)).GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/model-stopped");
    }

    private static async Task<(HttpStatusCode Status, string Type)> SendAsync(HttpClient client, string model, (string Name, string MediaType, byte[] Body) bomb)
    {
        using var content = new ByteArrayContent(bomb.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(bomb.MediaType);
        using var response = await client.PostAsync($"/api/models/{model}/predict", content, Token);
        var type = response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? (await ReadAsync(response)).GetProperty("type").GetString() ?? "" : "";
        return (response.StatusCode, type);
    }

    private static byte[] Batch(params byte[][] images) =>
        System.Text.Encoding.ASCII.GetBytes($$"""{"images":[{{string.Join(",", images.Select(i => $"\"{Convert.ToBase64String(i)}\""))}}]}""");
}
