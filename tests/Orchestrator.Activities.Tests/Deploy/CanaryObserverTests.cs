using Orchestrator.Activities.Deploy;

namespace Orchestrator.Activities.Tests.Deploy;

public sealed class CanaryObserverTests
{
    [Fact]
    public void Shift_SmallSides_GivesPsiAndItsChiSquarePValue()
    {
        var (psi, pValue) = CanaryObserver.Shift(
            new Dictionary<string, int> { ["circle"] = 18, ["square"] = 10, ["triangle"] = 2 },
            new Dictionary<string, int> { ["triangle"] = 7, ["square"] = 14, ["circle"] = 9 });

        psi.ShouldNotBeNull().ShouldBeGreaterThan(0.25);
        // Chi-square 6.44 with 2 degrees of freedom.
        pValue.ShouldNotBeNull().ShouldBe(Math.Exp(-6.444444444444445 / 2), 1e-9);
    }

    [Fact]
    public void Shift_ClassSeenOnOneSideOnly_CountsAsZeroOnTheOther()
    {
        var (psi, pValue) = CanaryObserver.Shift(
            new Dictionary<string, int> { ["circle"] = 40 },
            new Dictionary<string, int> { ["square"] = 30 });

        psi.ShouldNotBeNull().ShouldBeGreaterThan(10);
        pValue.ShouldNotBeNull().ShouldBeLessThan(1e-15);
    }

    [Fact]
    public void Shift_NoPredictionsOnASide_IsNotMeasurable() =>
        CanaryObserver.Shift(new Dictionary<string, int>(), new Dictionary<string, int> { ["square"] = 3 }).ShouldBe((null, null));
}
