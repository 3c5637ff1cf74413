using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>
/// The weight initialisation torchvision's constructors apply, so a network built here and not loaded from
/// a checkpoint starts as torchvision's would (TorchSharp's module defaults differ for convolutions).
/// </summary>
internal static class TorchvisionInit
{
    /// <summary>ResNet.__init__: Kaiming-normal (fan_out, ReLU) convolutions, batch norms 1/0, fc as nn.Linear's default.</summary>
    public static void ResNet(Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    break;
                case CountedBatchNorm2d norm:
                    init.ones_(norm.weight!);
                    init.zeros_(norm.bias!);
                    break;
                case Linear linear:
                    LinearDefault(linear);
                    break;
            }
        }
    }

    /// <summary>MobileNetV3.__init__: Kaiming-normal (fan_out) convolutions with zero bias, batch norms 1/0, linears N(0, 0.01) with zero bias.</summary>
    public static void MobileNet(Module model)
    {
        using var noGrad = no_grad();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut);
                    if (conv.bias is { } bias)
                    {
                        init.zeros_(bias);
                    }

                    break;
                case CountedBatchNorm2d norm:
                    init.ones_(norm.weight!);
                    init.zeros_(norm.bias!);
                    break;
                case Linear linear:
                    LinearSmallNormal(linear);
                    break;
            }
        }
    }

    /// <summary>nn.Linear's reset_parameters: weight and bias uniform in +-1/sqrt(in_features).</summary>
    public static void LinearDefault(Linear linear, Generator? generator = null)
    {
        // TorchSharp's init.uniform_ ignores its generator argument, so the values are drawn here.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var k = new HeldScalars();
        var bound = 1.0 / Math.Sqrt(linear.in_features);
        foreach (var parameter in new[] { linear.weight!, linear.bias! })
        {
            parameter.copy_(rand(parameter.shape, generator: generator).mul_(k[2 * bound]).sub_(k[bound]));
        }
    }

    /// <summary>MobileNetV3's linear layers: N(0, 0.01) weights, zero bias.</summary>
    public static void LinearSmallNormal(Linear linear, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var k = new HeldScalars();
        linear.weight!.copy_(randn(linear.weight!.shape, generator: generator).mul_(k[0.01]));
        init.zeros_(linear.bias!);
    }
}
