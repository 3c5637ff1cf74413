using Microsoft.ML.OnnxRuntime;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Tests.Onnx;

public sealed class ResNetOnnxExporterTests
{
    public static TheoryData<Architecture, int, int, int, int> Architectures => new()
    {
        { Architecture.ResNet32, 8, 1, 3, 1 },
        { Architecture.ResNet32, 8, 1, 3, 2 },
        { Architecture.ResNet32, 16, 2, 3, 1 },
        { Architecture.ResNet32, 4, 1, 1, 1 },
        { Architecture.ResNet224, 8, 1, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Export_TrainedStatistics_LogitsMatchTorchWithin1e4(Architecture architecture, int width, int blocks, int stages, int stemStride)
    {
        torch.manual_seed(11);
        var spec = new ModelSpec(architecture, NumClasses: 5, width, blocks, stages, stemStride);
        using var model = new ResNet(spec);
        WarmUpBatchNorm(model, spec.InputSize);
        var onnx = ResNetOnnxExporter.Export(model, Preprocessing.Centered(spec.InputSize), ["a", "b", "c", "d", "e"]);
        using var batch = torch.randn(3, 3, spec.InputSize, spec.InputSize);

        var difference = OnnxParity.MaxAbsDifference(model, onnx, batch);

        difference.ShouldBeLessThanOrEqualTo(OnnxParity.DefaultTolerance);
    }

    [Fact]
    public void Export_Session_HasNamedInputWithDynamicBatchAndMetadata()
    {
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4);
        using var model = new ResNet(spec);
        var onnx = ResNetOnnxExporter.Export(model, Preprocessing.Centered(32), ["circle", "square", "triangle", "star"]);

        using var session = new InferenceSession(onnx);

        var input = session.InputMetadata[ResNetOnnxExporter.InputName];
        input.Dimensions.ShouldBe([-1, 3, 32, 32]);
        input.SymbolicDimensions[0].ShouldBe("batch");
        session.OutputMetadata[ResNetOnnxExporter.OutputName].Dimensions.ShouldBe([-1, 4]);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Preprocessing.FromMetadata(metadata).Mean.ShouldBe([0.5f, 0.5f, 0.5f]);
        metadata["model.classes"].ShouldBe("[\"circle\",\"square\",\"triangle\",\"star\"]");
        metadata["model.architecture"].ShouldBe("ResNet32");
    }

    [Fact]
    public void Export_WrongClassNameCount_Throws()
    {
        using var model = new ResNet(new ModelSpec(Architecture.ResNet32, NumClasses: 3, Width: 2));

        Should.Throw<ArgumentException>(() => ResNetOnnxExporter.Export(model, Preprocessing.Centered(32), ["a", "b"]));
    }

    // Fresh batch-norm layers hold mean 0 / variance 1; a few training-mode passes give them real
    // statistics so parity also covers the running-mean/variance path.
    private static void WarmUpBatchNorm(ResNet model, int size)
    {
        model.train();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (var i = 0; i < 3; i++)
        {
            model.call(torch.rand(4, 3, size, size) * 2 + 0.3);
        }

        model.eval();
    }
}
