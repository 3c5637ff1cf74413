using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;
using TorchSharp;

namespace Orchestrator.Ml.Tests.Devices;

public sealed class BackendSelfCheckTests
{
    [Fact]
    public void Result_ThisProcess_PassesByOrdersOfMagnitude()
    {
        // ./test.sh starts the tests under the ISA limit its probe measured; run by hand on a host with broken
        // kernels, this fails with the refusal message, which says what to set.
        var result = BackendSelfCheck.Result;

        result.Passed.ShouldBeTrue(result.Passed ? null : result.RefusalMessage);
        result.MaxError.ShouldBeLessThan(BackendSelfCheck.Tolerance / 100);
    }

    [Fact]
    public void Run_ForcedFailingReference_FailsNamingTheQuantityAndTheFix()
    {
        var result = BackendSelfCheck.Run(reference => reference["conv2 weight gradient"][3] += 0.5);

        result.Passed.ShouldBeFalse();
        result.Worst.ShouldBe("conv2 weight gradient");
        result.RefusalMessage.ShouldStartWith("the CPU backend failed its numerical self-check (conv2 weight gradient off by");
        result.RefusalMessage.ShouldContain(CpuCapability.IsaLimitVariable);
        result.Describe().ShouldContain("selfcheck=failed");
    }

    [Fact]
    public void Run_NaNWhereTheReferenceIsFinite_IsAnInfiniteError()
    {
        var result = BackendSelfCheck.Run(reference => reference["loss"][0] = double.NaN);

        // The comparison is against the reference, so a NaN on either side can never pass.
        result.Passed.ShouldBeFalse();
    }

    [Fact]
    public void Run_QuantityTheBackendDoesNotProduce_Fails()
    {
        var result = BackendSelfCheck.Run(reference => reference["an extra layer"] = [1.0]);

        result.Passed.ShouldBeFalse();
        result.Worst.ShouldBe("an extra layer");
    }

    [Fact]
    public void Describe_OnTheCpu_CarriesTheSelfCheckAndTheIsaLimit()
    {
        var description = ComputeDevice.Describe(torch.CPU);

        description.ShouldContain("selfcheck=passed");
        description.ShouldContain(CpuCapability.IsaLimitVariable + "=");
    }

    [Fact]
    public void Read_Zen5CpuInfo_FindsFamilyAndAvx512WithVp2Intersect()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                processor	: 0
                vendor_id	: AuthenticAMD
                cpu family	: 26
                model		: 2
                model name	: AMD EPYC
                flags		: fpu sse2 avx2 avx512f avx512_vp2intersect

                processor	: 1
                cpu family	: 6
                """.Replace("                ", "", StringComparison.Ordinal));

            var cpu = CpuCapability.Read(path, "AVX");

            cpu.ShouldBe(new CpuCapability("AMD EPYC", "AuthenticAMD", 26, 2, Avx512: true, Vp2Intersect: true, "AVX"));
            cpu.Describe().ShouldBe("cpu=\"AMD EPYC\" family=26 model=2 avx512=yes(vp2intersect) DNNL_MAX_CPU_ISA=AVX");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_NoCpuInfo_KnowsNothingAndSaysSo() =>
        CpuCapability.Read("/nonexistent/cpuinfo", null).Describe().ShouldBe("cpu=\"unknown\" family=? model=? avx512=no DNNL_MAX_CPU_ISA=unset");
}
