using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orchestrator.Operations.Policies;
using Orchestrator.Workflows.Policies;

namespace Orchestrator.Activities.Tests.Policies;

/// <summary>The policy document's training section as the catalog reads it: every recipe key binds to its C# field, and out-of-range keys refuse the document.</summary>
public sealed class PolicyTrainingSectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("policy-training-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private PolicyCatalog Catalog(JsonObject training)
    {
        var shipped = new PolicyCatalog(Options.Create(new PolicyCatalogOptions()));
        var document = JsonNode.Parse(shipped.Find(new PolicyRef("default", 1))!.Json)!.AsObject();
        document["name"] = "recipe";
        document["training"] = training;
        File.WriteAllText(Path.Combine(_directory, "recipe.v1.json"), document.ToJsonString());
        return new PolicyCatalog(Options.Create(new PolicyCatalogOptions { Directory = _directory }));
    }

    [Fact]
    public void Terms_FullRecipe_EveryKeyBindsToItsField()
    {
        var training = JsonNode.Parse("""
            {
              "architecture": "resnet18", "epochs": 12, "batchSize": 32, "learningRate": 0.001, "seed": 7,
              "fineTuning": { "freezeBackbone": true, "unfreezeLastStages": 2, "unfreezeAfterEpochs": 3, "backboneLearningRateMultiplier": 0.1 },
              "optimizer": { "kind": "sgd", "weightDecay": 0.0005, "momentum": 0.9 },
              "schedule": { "kind": "reduce-on-plateau", "warmupEpochs": 1, "stepEpochs": 4, "stepGamma": 0.5, "plateauPatience": 2, "plateauFactor": 0.3 },
              "labelSmoothing": 0.1, "gradientClipNorm": 2.5,
              "earlyStopping": { "patience": 3, "minDelta": 0.001 },
              "imbalance": { "strategy": "focal-loss", "focalGamma": 1.5 },
              "augmentation": { "horizontalFlip": false, "cropPadding": 8, "brightness": 0.1, "contrast": 0.2, "saturation": 0.3, "randomErasing": 0.25, "rotation": 15 }
            }
            """)!.AsObject();
        training.Remove("labelSmoothing"); // focal loss takes none
        var catalog = Catalog(training);

        var spec = PolicyCatalog.Terms(catalog.Find(new PolicyRef("recipe", 1))!).Training;

        spec.FineTuning.ShouldBe(new FineTuningSpec(true, 2, 3, 0.1));
        spec.Optimizer.ShouldBe(new OptimizerSpec("sgd", 0.0005, 0.9));
        spec.Schedule.ShouldBe(new ScheduleSpec("reduce-on-plateau", 1, 4, 0.5, 2, 0.3));
        spec.LabelSmoothing.ShouldBeNull();
        spec.GradientClipNorm.ShouldBe(2.5);
        spec.EarlyStopping.ShouldBe(new EarlyStoppingSpec(3, 0.001));
        spec.Imbalance.ShouldBe(new ImbalanceSpec("focal-loss", 1.5));
        spec.Augmentation.ShouldBe(new AugmentationSpec(false, 8, 0.1, 0.2, 0.3, 0.25, 15));
    }

    [Theory]
    [InlineData("labelSmoothing", "1.5", "training.labelSmoothing")]
    [InlineData("gradientClipNorm", "-1", "training.gradientClipNorm")]
    [InlineData("optimizer", """{"kind":"rmsprop"}""", "training.optimizer.kind")]
    [InlineData("schedule", """{"kind":"step","stepGamma":0}""", "training.schedule.stepGamma")]
    [InlineData("fineTuning", """{"unfreezeLastStages":1}""", "training.fineTuning.unfreezeLastStages")]
    [InlineData("earlyStopping", """{"patience":0}""", "training.earlyStopping.patience")]
    [InlineData("imbalance", """{"strategy":"smote"}""", "training.imbalance.strategy")]
    [InlineData("augmentation", """{"randomErasing":2}""", "training.augmentation.randomErasing")]
    [InlineData("augmentation", """{"rotation":181}""", "training.augmentation.rotation")]
    [InlineData("augmentation", """{"rotation":-5}""", "training.augmentation.rotation")]
    public void Catalog_TrainingKeyOutOfRange_RefusesTheDocumentNamingTheKey(string key, string value, string named)
    {
        var training = new JsonObject { ["architecture"] = "resnet18", ["epochs"] = 3, ["batchSize"] = 8, ["learningRate"] = 0.01, ["seed"] = 1, [key] = JsonNode.Parse(value) };

        // Refused by the policy validator at load, naming the key by its JSON pointer (docs/policies.md).
        var refused = Should.Throw<InvalidPolicyException>(() => Catalog(training));

        refused.Message.ShouldContain("#/" + named.Replace('.', '/'));
    }
}
