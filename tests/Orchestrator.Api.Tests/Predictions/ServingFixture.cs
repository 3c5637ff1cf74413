using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Events.Models;
using Orchestrator.Audit.Ledger;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Serving;
using Orchestrator.Operations.Artifacts;
using Orchestrator.Operations.Serving;
using Orchestrator.Testing.Models;

namespace Orchestrator.Api.Tests.Predictions;

/// <summary>Seeds a model whose versions are the colour baseline, registered, approved and deployed through the ledger.</summary>
internal static class ServingFixture
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string NewModel() => "m-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>
    /// Registers, approves and deploys <paramref name="versions"/> versions in order; the last one is production.
    /// Each version is <paramref name="onnxModel"/>, by default the colour baseline.
    /// </summary>
    public static async Task SeedAsync(ApiFactory api, string model, int versions = 1, byte[]? onnxModel = null)
    {
        var store = api.Services.GetRequiredService<BlobArtifactStore>();
        var ledger = api.Services.GetRequiredService<IAuditLedger>();
        var onnx = await store.PutAsync(onnxModel ?? ColourBaselineModel.Create(16), "application/onnx", Token);
        var context = new AuditContext(Actor.Service("test", "test"), new Correlation("seed", "seed"), null, []);
        var stream = AuditStreams.Model(model);
        for (var v = 1; v <= versions; v++)
        {
            var run = $"run-{model}-{v}";
            await ledger.AppendAsync(stream, new ModelExported(v, run, Digest.FromHex(new string('d', 64)).ToString(), onnx.Digest, onnx.Uri, 0), context, $"e{v}", Token);
            await ledger.AppendAsync(stream, new ModelVersionApproved(v, run, ["alice", "bob"], Digest.FromHex(new string('e', 64)).ToString(),
                [new LedgerReference(AuditStreams.Run(run), 1, new string('a', 64))]), context, $"a{v}", Token);
            await ledger.AppendAsync(stream, new ModelDeployed(v, "production", 1.0), context, $"d{v}", Token);
        }
    }

    public static PredictionLog Log(ApiFactory api) => api.Services.GetRequiredService<PredictionLog>();

    public static ByteArrayContent Png(byte r, byte g, byte b, int size = 20)
    {
        var pixels = new byte[size * size * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }

        var content = new ByteArrayContent(ImageCodec.EncodePng(new RgbImage(size, size, pixels)));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    public static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
