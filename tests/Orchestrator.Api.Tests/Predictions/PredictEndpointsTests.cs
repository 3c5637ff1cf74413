using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Ml.Data;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Onnx;
using Orchestrator.Ml.Serving;
using Orchestrator.Testing.Models;

namespace Orchestrator.Api.Tests.Predictions;

public sealed class PredictEndpointsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Token);

    [Fact]
    public async Task Predict_PngAndJsonBatch_ReturnsProbabilitiesVersionAndLoggedIds()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var client = api.ClientAs("carol", "predictor");
        using var red = ServingFixture.Png(230, 10, 10);
        var blue = Convert.ToBase64String(await ServingFixture.Png(10, 10, 230).ReadAsByteArrayAsync(Token));
        var green = Convert.ToBase64String(await ServingFixture.Png(10, 220, 10).ReadAsByteArrayAsync(Token));

        using var single = await client.PostAsync($"/api/models/{model}/predict", red, Token);
        using var batch = await client.PostAsync($"/api/models/{model}/versions/1/predict", ServingFixture.Json($$"""{"images":["{{blue}}","{{green}}"]}"""), Token);

        single.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ReadAsync(single);
        body.GetProperty("version").GetInt32().ShouldBe(1);
        body.GetProperty("route").GetString().ShouldBe("production");
        var prediction = body.GetProperty("predictions")[0];
        prediction.GetProperty("label").GetString().ShouldBe("red");
        prediction.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()).ShouldBe(1, 1e-5);
        batch.StatusCode.ShouldBe(HttpStatusCode.OK);
        var labels = (await ReadAsync(batch)).GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()).ToList();
        labels.ShouldBe(["blue", "green"]);
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(3);
    }

    [Fact]
    public async Task Predict_MultiLabelModel_AnswersTheLabelsAtOrAboveTheirThresholdsWithProbabilities()
    {
        // The colour baseline as a multi-label model: a sigmoid per colour, each label assigned at probability 0.6 or more.
        var thresholds = ColourBaselineModel.Classes.Select((_, k) => new LabelThreshold(k, 0.6, 1, ThresholdBasis.MaximisedValidationF1)).ToList();
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model, onnxModel: ColourBaselineModel.Create(16, metadata: TaskMetadata.ForMultiLabel(thresholds, 3)));
        using var client = api.ClientAs("carol", "predictor");
        var magenta = Convert.ToBase64String(await ServingFixture.Png(230, 10, 230).ReadAsByteArrayAsync(Token));
        var grey = Convert.ToBase64String(await ServingFixture.Png(90, 90, 90).ReadAsByteArrayAsync(Token));

        using var response = await client.PostAsync($"/api/models/{model}/predict", ServingFixture.Json($$"""{"images":["{{magenta}}","{{grey}}"]}"""), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var predictions = (await ReadAsync(response)).GetProperty("predictions");
        var both = predictions[0];
        both.GetProperty("label").GetString().ShouldBe("blue|red");
        var assigned = both.GetProperty("labels").EnumerateArray().ToList();
        assigned.Select(l => l.GetProperty("label").GetString()).ShouldBe(["blue", "red"]);
        assigned.ShouldAllBe(l => l.GetProperty("probability").GetDouble() > 0.9);
        both.GetProperty("probabilities").GetProperty("green").GetDouble().ShouldBeLessThan(0.01);
        // Independent sigmoids, not a distribution: a grey image scores every colour 0.5, below every threshold, and gets no label.
        var none = predictions[1];
        none.GetProperty("labels").GetArrayLength().ShouldBe(0);
        none.GetProperty("label").GetString().ShouldBe("");
        none.GetProperty("probabilities").EnumerateObject().ShouldAllBe(p => Math.Abs(p.Value.GetDouble() - 0.5) < 1e-3);
    }

    [Fact]
    public async Task Predict_MultiLabelModelWithoutThresholds_IsAnInferenceFailureNotAGuess()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model, onnxModel: ColourBaselineModel.Create(16, metadata: new Dictionary<string, string> { [TaskMetadata.TaskKey] = TaskMetadata.MultiLabel }));
        using var client = api.ClientAs("carol", "predictor");
        using var red = ServingFixture.Png(230, 10, 10);

        using var response = await client.PostAsync($"/api/models/{model}/predict", red, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Predict_ModelAnsweringNaN_Returns500WithItsOwnProblemTypeAndLogsTheError()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model, onnxModel: ColourBaselineModel.Create(16, bias: [float.NaN, 0f, 0f]));
        using var client = api.ClientAs("alice", "ml-engineer");
        using var red = ServingFixture.Png(230, 10, 10);

        using var response = await client.PostAsync($"/api/models/{model}/predict", red, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var problem = await ReadAsync(response);
        problem.GetProperty("type").GetString().ShouldBe("https://orchestrator.dev/problems/model-output-not-finite");
        problem.GetProperty("detail").GetString().ShouldBe($"Model '{model}' version 1 answered NaN or infinite logits for 1 of 1 image(s).");
        // Logged as a failed request, so the canary check and the monitor count it as an error.
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(1);
    }

    [Fact]
    public async Task Predict_BadInputs_Answer4xxProblemsAndLogNothing()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var client = api.ClientAs("carol", "predictor");
        var url = $"/api/models/{model}/predict";

        using var wrongType = await client.PostAsync(url, new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"), Token);
        using var oversize = await client.PostAsync(url, new ByteArrayContent(new byte[9 * 1024 * 1024]) { Headers = { ContentType = new("image/png") } }, Token);
        using var undecodable = await client.PostAsync(url, new ByteArrayContent([0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]) { Headers = { ContentType = new("image/png") } }, Token);
        using var badJson = await client.PostAsync(url, ServingFixture.Json("""{"images":["not base64!"]}"""), Token);
        using var emptyBatch = await client.PostAsync(url, ServingFixture.Json("""{"images":[]}"""), Token);
        using var unknownModel = await client.PostAsync("/api/models/no-such-model/predict", ServingFixture.Png(1, 2, 3), Token);
        using var unknownVersion = await client.PostAsync($"/api/models/{model}/versions/9/predict", ServingFixture.Png(1, 2, 3), Token);

        (wrongType.StatusCode, oversize.StatusCode, undecodable.StatusCode, badJson.StatusCode, emptyBatch.StatusCode, unknownModel.StatusCode, unknownVersion.StatusCode)
            .ShouldBe((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest,
                HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.NotFound));
        var types = new List<string>();
        foreach (var response in new[] { wrongType, oversize, undecodable, badJson, emptyBatch, unknownModel, unknownVersion })
        {
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            types.Add((await ReadAsync(response)).GetProperty("type").GetString()!);
        }

        types.ShouldAllBe(t => t.StartsWith("https://orchestrator.dev/problems/", StringComparison.Ordinal));
        types[2].ShouldBe("https://orchestrator.dev/problems/undecodable-image");
        (await ServingFixture.Log(api).CountAsync(model, Token)).ShouldBe(0);
    }

    [Fact]
    public async Task Predict_Unauthenticated_Returns401()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/api/models/x/predict", ServingFixture.Png(1, 2, 3), Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Feedback_Labels_GiveOnlineAccuracyAndNeedAReviewerRole()
    {
        var model = ServingFixture.NewModel();
        await ServingFixture.SeedAsync(api, model);
        using var caller = api.ClientAs("carol", "predictor");
        using var reviewer = api.ClientAs("erin", "ml-engineer");
        var ids = new List<string>();
        foreach (var (r, g, b) in new[] { (230, 10, 10), (10, 230, 10), (10, 10, 230), (200, 20, 20) })
        {
            using var response = await caller.PostAsync($"/api/models/{model}/predict", ServingFixture.Png((byte)r, (byte)g, (byte)b), Token);
            ids.Add((await ReadAsync(response)).GetProperty("predictions")[0].GetProperty("predictionId").GetString()!);
        }

        using var forbidden = await caller.PostAsJsonAsync($"/api/predictions/{ids[0]}/feedback", new { label = "red" }, Token);
        string[] truth = ["red", "green", "blue", "blue"];
        JsonElement last = default;
        for (var i = 0; i < ids.Count; i++)
        {
            using var response = await reviewer.PostAsJsonAsync($"/api/predictions/{ids[i]}/feedback", new { label = truth[i] }, Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            last = await ReadAsync(response);
        }

        using var unknown = await reviewer.PostAsJsonAsync($"/api/predictions/{Guid.NewGuid()}/feedback", new { label = "red" }, Token);

        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        last.GetProperty("correct").GetBoolean().ShouldBeFalse();
        last.GetProperty("labelled").GetInt32().ShouldBe(4);
        last.GetProperty("onlineAccuracy").GetDouble().ShouldBe(0.75, 1e-12);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
