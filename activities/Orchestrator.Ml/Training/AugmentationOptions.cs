namespace Orchestrator.Ml.Training;

/// <summary>
/// Random training-time transforms. <see cref="None"/> is what evaluation uses.
/// </summary>
/// <param name="HorizontalFlip">Mirror left-right with probability 0.5.</param>
/// <param name="CropPadding">Random translation of up to this many pixels (zero fill), i.e. pad-and-crop.</param>
/// <param name="Brightness">Brightness factor drawn from [1-b, 1+b].</param>
/// <param name="Contrast">Contrast factor drawn from [1-c, 1+c] around the image mean.</param>
/// <param name="Saturation">Saturation factor drawn from [1-s, 1+s] (blend with grey).</param>
/// <param name="RandomErasing">Probability of erasing one random rectangle (2-33 % of the image, aspect 0.3-3.3) to zero after
/// normalisation, as torchvision's RandomErasing; 0 (the default) never erases and draws nothing.</param>
/// <param name="Rotation">Random rotation about the image centre by an angle drawn uniformly from [-r, r] degrees
/// (counter-clockwise for a positive angle, nearest-neighbour, zero fill: torchvision's RandomRotation defaults), in [0, 180];
/// 0 (the default) never rotates and draws nothing.</param>
public sealed record AugmentationOptions(
    bool HorizontalFlip = true,
    int CropPadding = 4,
    float Brightness = 0.2f,
    float Contrast = 0.2f,
    float Saturation = 0.2f,
    float RandomErasing = 0f,
    float Rotation = 0f)
{
    /// <summary>No augmentation: deterministic preprocessing only.</summary>
    public static AugmentationOptions None { get; } = new(false, 0, 0, 0, 0);

    public bool IsIdentity => !HorizontalFlip && CropPadding == 0 && Brightness == 0 && Contrast == 0 && Saturation == 0 && RandomErasing == 0 && Rotation == 0;
}
