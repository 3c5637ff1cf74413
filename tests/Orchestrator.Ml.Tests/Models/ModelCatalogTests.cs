using System.Text.Json;
using Orchestrator.Ml.Models;

namespace Orchestrator.Ml.Tests.Models;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData("resnet18", ResidualBlockKind.Basic, 2, 2, 2, 2, 512)]
    [InlineData("resnet34", ResidualBlockKind.Basic, 3, 4, 6, 3, 512)]
    [InlineData("resnet50", ResidualBlockKind.Bottleneck, 3, 4, 6, 3, 2048)]
    public void Spec_TorchvisionResNetName_HasTorchvisionDepths(string name, ResidualBlockKind block, int l1, int l2, int l3, int l4, int features)
    {
        var spec = ModelCatalog.Spec(name, 10);

        spec.Architecture.ShouldBe(Architecture.TorchvisionResNet);
        spec.ResNet.ShouldBe(new ResNetLayout(block, l1, l2, l3, l4));
        spec.InputSize.ShouldBe(224);
        spec.FeatureSize.ShouldBe(features);
        ModelCatalog.NameOf(spec).ShouldBe(name);
    }

    [Fact]
    public void Spec_ExistingNames_AreTheSmallResNetsAsBefore()
    {
        ModelCatalog.Spec("resnet-tiny", 4).ShouldBe(new ModelSpec(Architecture.ResNet32, 4, Width: 8, StemStride: 2));
        ModelCatalog.Spec("resnet-small", 4).ShouldBe(new ModelSpec(Architecture.ResNet32, 4));
        ModelCatalog.Spec("resnet-224", 4).ShouldBe(new ModelSpec(Architecture.ResNet224, 4));
    }

    [Fact]
    public void Spec_ImageSize_OnlyForTorchvisionArchitectures()
    {
        ModelCatalog.Spec("mobilenet_v3_small", 3, imageSize: 96).InputSize.ShouldBe(96);
        ModelCatalog.NameOf(ModelCatalog.Spec("mobilenet_v3_small", 3, imageSize: 96)).ShouldBe("mobilenet_v3_small");

        Should.Throw<ArgumentException>(() => ModelCatalog.Spec("resnet-small", 3, imageSize: 64)).Message.ShouldContain("fixed input size of 32");
        Should.Throw<ArgumentOutOfRangeException>(() => ModelCatalog.Spec("resnet18", 3, imageSize: 16));
    }

    [Fact]
    public void Spec_UnknownName_ListsEveryKnownName()
    {
        var e = Should.Throw<ArgumentException>(() => ModelCatalog.Spec("vgg16", 3));

        e.Message.ShouldContain("Unknown architecture 'vgg16'");
        foreach (var name in ModelCatalog.Names)
        {
            e.Message.ShouldContain(name);
        }
    }

    [Fact]
    public void NameOf_CustomLayout_IsNull()
    {
        var spec = new ModelSpec(Architecture.TorchvisionResNet, 5) { ResNet = new(ResidualBlockKind.Basic, 1, 1, 1, 1) };

        ModelCatalog.NameOf(spec).ShouldBeNull();
    }

    [Fact]
    public void Json_SmallResNetSpec_SerialisesAsBeforeTheTorchvisionFields()
    {
        var json = JsonSerializer.Serialize(new ModelSpec(Architecture.ResNet32, 4, Width: 8, StemStride: 2));

        json.ShouldBe("""{"Architecture":0,"NumClasses":4,"Width":8,"BlocksPerStage":1,"Stages":3,"StemStride":2,"InputSize":32,"FeatureSize":32}""");
    }

    [Fact]
    public void Json_TorchvisionSpec_RoundTrips()
    {
        var spec = ModelCatalog.Spec("resnet50", 7, imageSize: 160);

        var back = JsonSerializer.Deserialize<ModelSpec>(JsonSerializer.Serialize(spec));

        back.ShouldBe(spec);
    }

    [Fact]
    public void ToString_SmallResNetSpec_IsUnchangedAndTorchvisionSpecShowsItsLayout()
    {
        new ModelSpec(Architecture.ResNet32, 4).ToString()
            .ShouldBe("ModelSpec { Architecture = ResNet32, NumClasses = 4, Width = 16, BlocksPerStage = 1, Stages = 3, StemStride = 1, InputSize = 32, FeatureSize = 64 }");
        ModelCatalog.Spec("resnet34", 3).ToString()
            .ShouldContain("ResNet = ResNetLayout { Block = Basic, Layers = [3,4,6,3], WidthPerGroup = 64 }");
    }

    [Fact]
    public void Validate_TorchvisionSpecWithSmallResNetFields_Throws()
    {
        Should.Throw<ArgumentException>(() => (ModelCatalog.Spec("resnet18", 3) with { Width = 32 }).Validate()).Message.ShouldContain("must keep their defaults");
        Should.Throw<ArgumentException>(() => new ModelSpec(Architecture.TorchvisionResNet, 3).Validate()).Message.ShouldContain("needs a ResNet layout");
        Should.Throw<ArgumentException>(() => (new ModelSpec(Architecture.ResNet32, 3) with { ImageSize = 64 }).Validate());
        Should.Throw<ArgumentException>(() => new ResNet(ModelCatalog.Spec("resnet18", 3)));
    }
}
