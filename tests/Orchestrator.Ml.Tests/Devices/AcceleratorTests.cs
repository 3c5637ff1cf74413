using Orchestrator.Ml.Devices;
using Orchestrator.Testing.Models;
using Orchestrator.Ml.Serving;
using Orchestrator.Ml.Tests.Serving;
using TorchSharp;

namespace Orchestrator.Ml.Tests.Devices;

/// <summary>Device selection, the GPU settings, the GPU device check and ONNX Runtime's provider choice, as far as a CPU host can tell.</summary>
public sealed class AcceleratorTests
{
    [Fact]
    public void Select_CudaOnTheCpuBuild_RefusesNamingTheBuildSwitch()
    {
        if (ComputeDevice.IsCudaBuild)
        {
            Assert.Skip("this is the CUDA build");
        }

        Should.Throw<InvalidOperationException>(() => ComputeDevice.Select("cuda")).Message
            .ShouldBe("CUDA was requested but this build is for 'cpu' (GPU hosts build with -p:Accelerator=cuda).");
        ComputeDevice.Select("auto").type.ShouldBe(DeviceType.CPU);
    }

    [Fact]
    public void GpuOptions_FromVariables_ReadsTheOrchestratorGpuSettings()
    {
        var variables = new Dictionary<string, string>
        {
            ["Orchestrator__Gpu__LibTorchPath"] = "/opt/conda/lib/python3.12/site-packages/torch/lib",
            ["Orchestrator__Gpu__DeviceIndex"] = "3",
            ["Orchestrator__Gpu__Tf32"] = "false",
        };

        var options = GpuOptions.FromVariables(n => variables.GetValueOrDefault(n));

        (options.LibTorchPath, options.DeviceIndex, options.Tf32, options.OnnxCuda).ShouldBe(("/opt/conda/lib/python3.12/site-packages/torch/lib", 3, false, true));
        GpuOptions.FromVariables(_ => null).DeviceIndex.ShouldBe(0);
        Should.Throw<ArgumentException>(() => GpuOptions.FromVariables(n => n.EndsWith("DeviceIndex", StringComparison.Ordinal) ? "-1" : null))
            .Message.ShouldBe("Orchestrator__Gpu__DeviceIndex '-1' is not a device index (0, 1, ...).");
    }

    [Fact]
    public void GpuDeviceCheck_OnThisBuildAndHost_PassesOnlyWithAnAnsweringCudaDevice()
    {
        var result = GpuDeviceCheck.Result(GpuOptions.FromEnvironment());
        if (!ComputeDevice.IsCudaBuild)
        {
            result.Passed.ShouldBeFalse();
            result.Describe().ShouldBe("the GPU device check failed: this build is for 'cpu': GPU workers are built with -p:Accelerator=cuda");
            return;
        }

        if (!result.Passed)
        {
            Assert.Skip($"no CUDA device answers here: {result.Refusal}");
        }

        result.Device.ShouldContain("device=cuda:");
        result.Device.ShouldContain("libtorch=");
    }

    [Fact]
    public void OnnxExecution_CudaAskedWhereNoCudaProviderLoads_FallsBackToTheCpuSayingWhy()
    {
        if (ComputeDevice.IsCudaBuild && GpuDeviceCheck.Result(GpuOptions.FromEnvironment()).Passed)
        {
            Assert.Skip("a CUDA device answers: the provider loads here (infra/gpu/check.sh measures it)");
        }

        using var predictor = new OnnxPredictor(ColourBaselineModel.Create(16), preferCuda: true);

        predictor.Provider.Name.ShouldBe("cpu");
        predictor.Provider.FallbackReason.ShouldNotBeNullOrWhiteSpace();
        predictor.Provider.Describe().ShouldStartWith("onnxruntime=cpu (CUDA provider unavailable: ");
        // And the fallback session serves.
        predictor.Predict([OnnxPredictorTests.Solid(230, 20, 20)]).Length.ShouldBe(3);
    }

    [Fact]
    public void OnnxExecution_CpuAsked_NoFallbackRecorded()
    {
        using var predictor = new OnnxPredictor(ColourBaselineModel.Create(16));

        predictor.Provider.ShouldBe(new OnnxProvider("cpu", null));
        predictor.Provider.Describe().ShouldBe("onnxruntime=cpu");
    }

    [Fact]
    public void PreferCuda_OnlyTheCudaBuildWithTheSettingOn() =>
        OnnxExecution.PreferCuda(new GpuOptions()).ShouldBe(ComputeDevice.IsCudaBuild);
}
