using TorchSharp;

namespace Orchestrator.Ml;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s kept alive until native code has read them. An implicitly converted Scalar
/// (<c>t.mul_(0.9)</c>, <c>a + b</c>'s alpha of 1, <c>t.gt(0)</c>) is a temporary with a finalizer: once TorchSharp has
/// passed its handle to libtorch nothing references it, so a garbage collection during the native call can finalize it
/// and free the native value while libtorch reads it ("Unknown scalar type.", a failed toDouble check, or a wrong number).
/// Every Scalar the product passes to TorchSharp comes from here: the shared constants, or a scope that holds the ones
/// it makes until it is disposed (docs/adr/0045-held-torch-scalars.md). A test reads the compiled IL and fails on an
/// implicit conversion or on a TorchSharp member that makes such a temporary inside.
/// </summary>
public sealed class HeldScalars : IDisposable
{
    private readonly List<Scalar> held = [];

    /// <summary>1 for the life of the process: the alpha of every tensor addition and the step of a counter.</summary>
    public static Scalar One { get; } = 1L.ToScalar();

    /// <summary>0 for the life of the process.</summary>
    public static Scalar Zero { get; } = 0L.ToScalar();

    /// <summary>A float64 Scalar held until this scope is disposed.</summary>
    public Scalar this[double value] => Hold(value.ToScalar());

    /// <summary>A float32 Scalar held until this scope is disposed.</summary>
    public Scalar this[float value] => Hold(value.ToScalar());

    /// <summary>An integer Scalar held until this scope is disposed.</summary>
    public Scalar this[long value] => Hold(value.ToScalar());

    public void Dispose()
    {
        foreach (var scalar in held)
        {
            scalar.Dispose();
        }

        held.Clear();
    }

    private Scalar Hold(Scalar scalar)
    {
        held.Add(scalar);
        return scalar;
    }
}
