using Orchestrator.Ml.Devices;
using Orchestrator.Ml.Training;
using Temporalio.Exceptions;
using TorchSharp;

namespace Orchestrator.Activities.Train;

/// <summary>
/// The TorchSharp failures that no retry can mend, as non-retryable activity failures whose message is the
/// run's recorded failure reason: a CPU backend that failed its self-check, a diverged training, and a device
/// that ran out of memory at the run's batch size.
/// </summary>
public static class ComputeFailures
{
    /// <summary>The failure type of a backend that failed <see cref="BackendSelfCheck"/>.</summary>
    public const string BackendSelfCheckFailed = "BackendSelfCheckFailed";

    /// <summary>The failure type of a training whose loss or gradient norm stopped being finite.</summary>
    public const string TrainingDiverged = "TrainingDiverged";

    /// <summary>The failure type of a training that ran out of device memory.</summary>
    public const string DeviceOutOfMemory = "DeviceOutOfMemory";

    /// <summary>Throws a non-retryable failure unless the backend of <paramref name="device"/> passed its self-check.</summary>
    public static void EnsureBackend(torch.Device device)
    {
        try
        {
            BackendSelfCheck.EnsurePassed(device);
        }
        catch (BackendCheckFailedException e)
        {
            throw new ApplicationFailureException(e.Message, e, BackendSelfCheckFailed, nonRetryable: true);
        }
    }

    /// <summary>The activity failure for a diverged training.</summary>
    public static ApplicationFailureException Diverged(TrainingDivergedException e) =>
        new(e.Message, e, TrainingDiverged, nonRetryable: true);

    /// <summary>The activity failure for a device out of memory: the same batch size runs out again, so no retry (and no crash loop).</summary>
    public static ApplicationFailureException OutOfMemory(DeviceOutOfMemoryException e) =>
        new(e.Message, e, DeviceOutOfMemory, nonRetryable: true);
}
