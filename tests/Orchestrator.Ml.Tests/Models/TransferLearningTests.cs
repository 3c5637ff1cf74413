using Orchestrator.Ml.Models;
using Orchestrator.Ml.Tests.Training;
using Orchestrator.Ml.Training;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Models;

public sealed class TransferLearningTests
{
    private static async Task<TrainingCheckpoint> TrainedCheckpoint(ModelSpec spec)
    {
        TrainingCheckpoint? last = null;
        using var model = new ResNet(spec);
        var trainer = new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), new TrainingOptions { Epochs = 1, BatchSize = 16 });
        await trainer.TrainAsync(model, ShapeImages.Generate(32, seed: 4), null, null,
            new TrainingCallbacks { OnCheckpoint = (c, _) => Task.FromResult(last = c) }, TestContext.Current.CancellationToken);
        return last!;
    }

    [Fact]
    public async Task FromCheckpoint_ChangedClassSet_CopiesBackboneAndBuildsNewHead()
    {
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4, Stages: 2);
        var checkpoint = await TrainedCheckpoint(spec);
        using var previous = checkpoint.CreateModel();

        using var model = TransferLearning.FromCheckpoint(checkpoint, numClasses: 6);

        model.Spec.ShouldBe(spec with { NumClasses = 6 });
        var old = previous.state_dict();
        foreach (var (name, value) in model.state_dict())
        {
            if (name.StartsWith(ResNet.HeadPrefix, StringComparison.Ordinal))
            {
                value.shape[0].ShouldBe(6);
            }
            else
            {
                value.to_type(ScalarType.Float64).allclose(old[name].to_type(ScalarType.Float64), 0, 0).ShouldBeTrue(name);
            }
        }
    }

    [Fact]
    public async Task FromCheckpoint_SameClassSet_KeepsHead()
    {
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4, Stages: 2);
        var checkpoint = await TrainedCheckpoint(spec);
        using var previous = checkpoint.CreateModel();

        using var model = TransferLearning.FromCheckpoint(checkpoint, numClasses: 4);

        model.state_dict()["head.weight"].allclose(previous.state_dict()["head.weight"], 0, 0).ShouldBeTrue();
    }

    [Fact]
    public async Task FromCheckpoint_SameCountDifferentClasses_ReplacesHeadKeepsBackbone()
    {
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4, Stages: 2);
        var checkpoint = await TrainedCheckpoint(spec);
        using var previous = checkpoint.CreateModel();

        using var model = TransferLearning.FromCheckpoint(checkpoint, numClasses: 4, sameClasses: false);

        TransferLearning.KeepsHead(checkpoint, 4, sameClasses: false).ShouldBeFalse();
        model.state_dict()["head.weight"].allclose(previous.state_dict()["head.weight"], 0, 0).ShouldBeFalse();
        model.state_dict()["stem_conv.weight"].allclose(previous.state_dict()["stem_conv.weight"], 0, 0).ShouldBeTrue();
    }

    [Fact]
    public void Constructor_InvalidSpec_Throws() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 1)));
}
