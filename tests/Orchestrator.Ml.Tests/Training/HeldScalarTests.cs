using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>
/// The held-Scalar optimisers and batch norm compute exactly what TorchSharp's own do (same ops in the same order, so
/// the same bits), so replacing them changed no training result.
/// </summary>
public sealed class HeldScalarTests
{
    [Fact]
    public void AdamWStep_TwoGroupsWithWeightDecay_MatchesTorchSharpBitForBit()
    {
        var (ours, theirs) = (Network(), Network());
        using var held = new HeldScalarAdamW(Groups(ours, (_, p) => new AdamW.ParamGroup { Parameters = p }), 3e-3, 0.05);
        using var reference = optim.AdamW(Groups(theirs, (_, p) => new AdamW.ParamGroup { Parameters = p }), 3e-3, weight_decay: 0.05);
        // A backbone at a third of the head's rate, as the Trainer sets it.
        held.ParamGroups.First().LearningRate = reference.ParamGroups.First().LearningRate = 1e-3;

        TrainBoth(ours, held, theirs, reference);

        AssertSameParameters(ours, theirs);
    }

    [Fact]
    public void SgdStep_NesterovMomentumWithWeightDecay_MatchesTorchSharpBitForBit()
    {
        var (ours, theirs) = (Network(), Network());
        using var held = new HeldScalarSgd(Groups(ours, (_, p) => new SGD.ParamGroup { Parameters = p }), 0.05, 0.9, 1e-4, nesterov: true);
        using var reference = optim.SGD(Groups(theirs, (_, p) => new SGD.ParamGroup { Parameters = p }), 0.05, momentum: 0.9, weight_decay: 1e-4, nesterov: true);

        TrainBoth(ours, held, theirs, reference);

        AssertSameParameters(ours, theirs);
    }

    [Fact]
    public void CountedBatchNorm2d_TrainingThenEvaluation_MatchesTorchSharpsBatchNorm2d()
    {
        using var ours = new CountedBatchNorm2d(3, eps: 1e-3, momentum: 0.01);
        using var theirs = nn.BatchNorm2d(3, eps: 1e-3, momentum: 0.01);
        var generator = new Generator(7);

        ours.train();
        theirs.train();
        for (var i = 0; i < 3; i++)
        {
            using var input = randn([4, 3, 5, 5], generator: generator) * (i + 1);
            ours.call(input).data<float>().ToArray().ShouldBe(theirs.call(input).data<float>().ToArray());
        }

        ours.eval();
        theirs.eval();
        using var last = randn([2, 3, 5, 5], generator: generator);
        ours.call(last).data<float>().ToArray().ShouldBe(theirs.call(last).data<float>().ToArray());
        var (ourState, theirState) = (ours.state_dict(), theirs.state_dict());
        ourState.Keys.ShouldBe(theirState.Keys);
        foreach (var key in ourState.Keys)
        {
            ourState[key].to(ScalarType.Float64).data<double>().ToArray().ShouldBe(theirState[key].to(ScalarType.Float64).data<double>().ToArray(), key);
        }

        ourState["num_batches_tracked"].item<long>().ShouldBe(3);
        Should.Throw<ArgumentException>(() => ours.call(zeros(3, 5))).Message.ShouldContain("expected 4D input");
    }

    private static Sequential Network()
    {
        // The same weights in both copies without touching the global generator other test classes share.
        var generator = new Generator(11);
        var network = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3));
        using var noGrad = no_grad();
        foreach (var parameter in network.parameters())
        {
            parameter.copy_(randn(parameter.shape, generator: generator));
        }

        return network;
    }

    // The first layer and the rest, as a backbone and a head.
    private static List<T> Groups<T>(Sequential network, Func<int, IEnumerable<Parameter>, T> group)
    {
        var parameters = network.parameters().ToList();
        return [group(0, parameters.Take(2).ToList()), group(1, parameters.Skip(2).ToList())];
    }

    private static void TrainBoth(Sequential ours, OptimizerHelper held, Sequential theirs, OptimizerHelper reference)
    {
        var generator = new Generator(3);
        for (var step = 0; step < 6; step++)
        {
            using var input = randn([5, 6], generator: generator);
            using var target = randn([5, 3], generator: generator);
            foreach (var (network, optimizer) in new[] { (ours, held), (theirs, reference) })
            {
                optimizer.zero_grad();
                using var loss = nn.functional.mse_loss(network.call(input), target);
                loss.backward();
                optimizer.step();
            }
        }
    }

    private static void AssertSameParameters(Sequential ours, Sequential theirs)
    {
        foreach (var (a, b) in ours.parameters().Zip(theirs.parameters()))
        {
            a.data<float>().ToArray().ShouldBe(b.data<float>().ToArray());
        }

        // And training moved them: equal because both stepped, not because neither did.
        Network().parameters().First().data<float>().ToArray().ShouldNotBe(ours.parameters().First().data<float>().ToArray());
    }
}
