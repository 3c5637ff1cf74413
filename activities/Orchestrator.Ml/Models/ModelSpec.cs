namespace Orchestrator.Ml.Models;

/// <summary>The image-classification architectures this library trains and exports.</summary>
public enum Architecture
{
    /// <summary>ResNet for 32x32 inputs: 3x3 stem at full resolution, no stem pooling.</summary>
    ResNet32,

    /// <summary>ResNet for 224x224 inputs: 7x7 stride-2 stem and 3x3 max-pool, as in He et al. 2015.</summary>
    ResNet224,
}

/// <summary>
/// What to build: architecture, number of classes, base width (channels of the first stage, doubled per
/// stage), residual blocks per stage, number of stages and, for <see cref="Architecture.ResNet32"/>, the
/// stem's stride (2 quarters the cost of the first stage, for CPU budgets). Recorded in checkpoints and
/// audit events.
/// </summary>
public sealed record ModelSpec(Architecture Architecture, int NumClasses, int Width = 16, int BlocksPerStage = 1, int Stages = 3, int StemStride = 1)
{
    /// <summary>Side of the square input image in pixels.</summary>
    public int InputSize => Architecture == Architecture.ResNet224 ? 224 : 32;

    /// <summary>Channels of the last stage, i.e. the feature size the head sees.</summary>
    public int FeatureSize => Width << (Stages - 1);

    /// <summary>Throws when a field is outside what the network can be built with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(NumClasses, 2, nameof(NumClasses));
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlocksPerStage, 1, nameof(BlocksPerStage));
        ArgumentOutOfRangeException.ThrowIfLessThan(Stages, 1, nameof(Stages));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Stages, 5, nameof(Stages));
        ArgumentOutOfRangeException.ThrowIfLessThan(StemStride, 1, nameof(StemStride));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StemStride, 2, nameof(StemStride));
        if (!Enum.IsDefined(Architecture))
        {
            throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown architecture.");
        }
    }
}
