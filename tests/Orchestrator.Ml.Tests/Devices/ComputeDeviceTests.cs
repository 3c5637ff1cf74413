using Orchestrator.Ml.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Devices;

public sealed class ComputeDeviceTests
{
    [Fact]
    public void ForwardBackwardStep_OnCpu_ReducesLoss()
    {
        torch.manual_seed(7);
        var device = ComputeDevice.Select("cpu");
        using var model = nn.Sequential(("fc1", nn.Linear(4, 16)), ("relu", nn.ReLU()), ("fc2", nn.Linear(16, 2))).to(device);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        using var inputs = torch.randn(64, 4, device: device);
        using var targets = (inputs.sum(1) > 0).to(ScalarType.Int64);

        float Step()
        {
            optimizer.zero_grad();
            using var loss = nn.functional.cross_entropy(model.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }

        var first = Step();
        var last = first;
        for (var i = 0; i < 50; i++)
        {
            last = Step();
        }

        last.ShouldBeLessThan(first * 0.5f);
    }

    [Fact]
    public void Select_UnknownPreference_Throws() =>
        Should.Throw<ArgumentException>(() => ComputeDevice.Select("tpu"));

    [Fact]
    public void Describe_NamesDeviceAndLibraries() =>
        ComputeDevice.Describe(ComputeDevice.Select("cpu")).ShouldStartWith("device=cpu torchsharp=");
}
