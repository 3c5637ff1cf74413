using Orchestrator.Ml;
using Orchestrator.Ml.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Activities.Tests.Torch;

/// <summary>
/// No product code hands libtorch a Scalar that only a temporary keeps alive (HeldScalars explains the crash it causes:
/// once in CI an optimiser step failed with a c10 toDouble check, "Unknown scalar type." in a stress run).
/// </summary>
public sealed class TemporaryScalarTests
{
    private static readonly Lazy<TemporaryScalarFinder> Finder = new(() =>
    {
        var directory = Path.GetDirectoryName(typeof(torch).Assembly.Location)!;
        return new TemporaryScalarFinder(IlCallGraph.Read(typeof(torch).Assembly.Location, Path.Combine(directory, "TorchSharp.PyBridge.dll")));
    });

    [Fact]
    public void ProductAssemblies_LetNoScalarLiveOnlyAsATemporary()
    {
        var product = IlCallGraph.Read(
            typeof(Trainer).Assembly.Location, typeof(Activities.Train.TrainActivities).Assembly.Location, typeof(Operations.Policies.PolicyCatalog).Assembly.Location);

        var findings = Finder.Value.Find(product, name => name.StartsWith("Orchestrator.", StringComparison.Ordinal));

        product.Methods.Count.ShouldBeGreaterThan(1000);
        findings.ShouldBeEmpty(string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void Find_EachWayToMakeATemporary_IsReportedAndHeldScalarsAreNot()
    {
        var samples = IlCallGraph.Read(typeof(TemporaryScalarTests).Assembly.Location);

        var findings = Finder.Value.Find(samples, name => name.StartsWith(typeof(Samples).FullName!, StringComparison.Ordinal));

        Finder.Value.LibraryMethodsMakingTemporaries.ShouldBeGreaterThan(100);
        findings.ShouldContain(f => f.Contains("::Implicit(") && f.Contains("converts to a Scalar implicitly (TorchSharp.Scalar::op_Implicit(Double)"));
        findings.ShouldContain(f => f.Contains("::TensorSum(") && f.Contains("TorchSharp.torch+Tensor::op_Addition(TorchSharp.torch+Tensor,TorchSharp.torch+Tensor)"));
        findings.ShouldContain(f => f.Contains("::LibraryBatchNorm(") && f.Contains("creates a TorchSharp.Modules.BatchNorm2d, whose TorchSharp.Modules.BatchNorm::forward"));
        findings.ShouldContain(f => f.Contains("::LibrarySgd(") && f.Contains("creates a TorchSharp.Modules.SGD, whose TorchSharp.Modules.SGD::step"));
        findings.ShouldContain(f => f.Contains("+InheritedForward inherits TorchSharp.Modules.BatchNorm::forward"));
        findings.ShouldNotContain(f => f.Contains("::Held("));
        findings.ShouldNotContain(f => f.Contains("+OverriddenForward"));
        findings.Count.ShouldBe(5, string.Join(Environment.NewLine, findings));
    }

    // Compiled into this assembly only to be read by the test above; never run.
    private static class Samples
    {
        public static Tensor Implicit(Tensor t) => t.mul_(0.5);

        public static Tensor TensorSum(Tensor a, Tensor b) => a + b;

        public static BatchNorm2d LibraryBatchNorm() => nn.BatchNorm2d(4);

        public static SGD LibrarySgd(IEnumerable<Parameter> parameters) => optim.SGD(parameters, 0.1);

        public static Tensor Held(Tensor a, Tensor b)
        {
            using var k = new HeldScalars();
            return a.mul_(k[0.5]).add(b, HeldScalars.One);
        }

        public sealed class InheritedForward() : BatchNorm(4, 1e-5, 0.1, true, true, null, null, "sample")
        {
            protected override void ValidateInputDimensions(Tensor input)
            {
            }
        }

        public sealed class OverriddenForward() : BatchNorm(4, 1e-5, 0.1, true, true, null, null, "sample")
        {
            public override Tensor forward(Tensor input) => input;

            protected override void ValidateInputDimensions(Tensor input)
            {
            }
        }
    }
}
