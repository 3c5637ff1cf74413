using Orchestrator.Ml.Models;
using Orchestrator.Ml.Tests.Weights;
using Orchestrator.Ml.Training;
using Orchestrator.Ml.Weights;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>The trainer, checkpoints and transfer learning on the torchvision-layout networks.</summary>
public sealed class TorchvisionTrainingTests
{
    private static readonly LabeledImage[] Images = ShapeImages.Generate(32, seed: 3);

    [Fact]
    public async Task TrainAsync_ImportedBackboneFrozen_TrainsOnlyTheNewHeadAndCheckpointsIt()
    {
        var spec = TorchvisionFixtures.BasicSpec with { NumClasses = 4, ImageSize = 32 };
        var imported = BaseModelImporter.Import(TorchvisionFixtures.SharedFile(TorchvisionFixtures.Basic), spec);
        using var model = imported.CreateModel();
        var before = Snapshot(model);
        TrainingCheckpoint? last = null;
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16, FreezeBackbone = true, LearningRate = 1e-2 };

        var result = await new Trainer(new ImagePreprocessor(imported.Preprocessing), options).TrainAsync(model, Images, null, null,
            new TrainingCallbacks { OnCheckpoint = (c, _) => Task.FromResult(last = c) }, TestContext.Current.CancellationToken);

        double.IsFinite(result.History[0].TrainLoss).ShouldBeTrue();
        imported.Head!.Keys.ShouldBe(["fc.weight", "fc.bias"]);
        foreach (var (key, value) in model.state_dict())
        {
            Same(value, before[key]).ShouldBe(!key.StartsWith("fc.", StringComparison.Ordinal), key);
        }

        using var restored = last!.CreateClassifier();
        restored.ShouldBeOfType<Orchestrator.Ml.Models.Torchvision.TorchvisionResNet>();
        restored.Spec.ShouldBe(spec);
        var trained = model.state_dict();
        restored.state_dict().ShouldAllBe(p => Same(p.Value, trained[p.Key]));
        Should.Throw<InvalidOperationException>(() => last.CreateModel()).Message.ShouldContain("use CreateClassifier");
    }

    [Fact]
    public async Task Initialise_TrainedMobileNetCheckpoint_NewClassSetKeepsAllButClassifierThree()
    {
        using var model = ImageClassifier.Create(ModelCatalog.Spec("mobilenet_v3_small", 4, imageSize: 32));
        TrainingCheckpoint? last = null;
        var options = new TrainingOptions { Epochs = 1, BatchSize = 16 };
        await new Trainer(new ImagePreprocessor(Preprocessing.TorchvisionImageNet(32)), options).TrainAsync(model, Images, null, null,
            new TrainingCallbacks { OnCheckpoint = (c, _) => Task.FromResult(last = c) }, TestContext.Current.CancellationToken);

        using var transferred = TransferLearning.Initialise(last!, numClasses: 6);

        transferred.Spec.NumClasses.ShouldBe(6);
        transferred.state_dict()["classifier.3.weight"].shape.ShouldBe([6L, 1024L]);
        var trained = model.state_dict();
        foreach (var (key, value) in transferred.state_dict().Where(p => !p.Key.StartsWith("classifier.3.", StringComparison.Ordinal)))
        {
            Same(value, trained[key]).ShouldBeTrue(key);
        }

        Should.Throw<InvalidOperationException>(() => TransferLearning.FromCheckpoint(last!, 6)).Message.ShouldContain("use Initialise");
    }

    private static Dictionary<string, Tensor> Snapshot(ImageClassifier model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    private static bool Same(Tensor a, Tensor b)
    {
        using var x = a.to_type(ScalarType.Float64);
        using var y = b.to_type(ScalarType.Float64);
        return x.allclose(y, 0, 0);
    }
}
