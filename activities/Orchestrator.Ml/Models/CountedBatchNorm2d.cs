using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Models;

/// <summary>
/// torch.nn.BatchNorm2d with its state-dict keys (weight, bias, running_mean, running_var, num_batches_tracked) and
/// arithmetic, whose training forward counts the batch with the process-lifetime <see cref="HeldScalars.One"/>:
/// TorchSharp's own forward adds an implicitly converted 1 to num_batches_tracked, a temporary Scalar the garbage
/// collector may free while libtorch reads it (<see cref="HeldScalars"/>).
/// </summary>
public sealed class CountedBatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1)
    : BatchNorm(features, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: nameof(BatchNorm2d))
{
    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        if (training)
        {
            num_batches_tracked?.add_(HeldScalars.One, HeldScalars.One);
        }

        // Running statistics are always tracked here, so they normalise in evaluation and are updated in training.
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum ?? 0.1, eps);
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.ndim != 4)
        {
            throw new ArgumentException($"expected 4D input, but got {input.ndim}D input.");
        }
    }
}
