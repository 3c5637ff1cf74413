using Orchestrator.Ml.Models;
using Orchestrator.Ml.Training;

namespace Orchestrator.Ml.Tests.Training;

/// <summary>A device out of memory, simulated with the exception libtorch raises for it (TorchSharp rethrows it as ExternalException).</summary>
public sealed class OutOfMemoryTests
{
    // libtorch's CUDA caching allocator message, with the C++ stack it appends.
    private const string CudaOom = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 139.80 GiB of which 1.21 GiB is free. "
        + "Of the allocated memory 136.10 GiB is allocated by PyTorch.\nException raised from malloc at /pytorch/c10/cuda/CUDACachingAllocator.cpp:1380";

    [Theory]
    [InlineData(CudaOom, true)]
    [InlineData("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`", true)]
    [InlineData("cuDNN error: CUDNN_STATUS_ALLOC_FAILED", true)]
    [InlineData("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", false)]
    [InlineData("CUDA error: device-side assert triggered", false)]
    public void IsOutOfMemory_LibtorchErrors_RecognisesOnlyExhaustedMemory(string message, bool expected) =>
        DeviceOutOfMemoryException.IsOutOfMemory(new LibtorchError(message)).ShouldBe(expected);

    [Fact]
    public void IsOutOfMemory_ManagedExceptionWithTheSameText_IsNotADeviceError() =>
        DeviceOutOfMemoryException.IsOutOfMemory(new InvalidOperationException(CudaOom)).ShouldBeFalse();

    [Fact]
    public void Message_NamesDeviceBatchSizeAndPlace_WithoutTheNativeStack()
    {
        var e = new DeviceOutOfMemoryException("cuda:0", 512, "epoch 3, batch 7", CudaOom);

        e.Message.ShouldBe("out of GPU memory on cuda:0 at batch size 512 (epoch 3, batch 7): CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity "
            + "of 139.80 GiB of which 1.21 GiB is free. Of the allocated memory 136.10 GiB is allocated by PyTorch; lower the policy's training batch size");
        e.BatchSize.ShouldBe(512);
    }

    [Fact]
    public async Task TrainAsync_DeviceRunsOutOfMemoryInABatch_StopsWithTheBatchSizeNamed()
    {
        var spec = new ModelSpec(Architecture.ResNet32, NumClasses: 4, Width: 4, BlocksPerStage: 1, Stages: 2);
        using var model = new ResNet(spec);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 5 };
        var batches = 0;
        // The second batch's step fails as a CUDA allocation would, from inside the training step.
        var callbacks = new TrainingCallbacks { OnBatch = _ => { if (++batches == 2) { throw new LibtorchError(CudaOom); } } };

        var e = await Should.ThrowAsync<DeviceOutOfMemoryException>(() => new Trainer(new ImagePreprocessor(Preprocessing.Centered(32)), options)
            .TrainAsync(model, ShapeImages.Generate(48, seed: 1), null, null, callbacks, TestContext.Current.CancellationToken));

        e.Message.ShouldStartWith("out of GPU memory on cpu at batch size 16 (epoch 1, batch 2): CUDA out of memory. Tried to allocate 2.00 GiB.");
        e.InnerException.ShouldBeOfType<LibtorchError>();
    }

    /// <summary>What TorchSharp throws for a libtorch error (its CheckForErrors raises an ExternalException with libtorch's message).</summary>
    private sealed class LibtorchError(string message) : System.Runtime.InteropServices.ExternalException(message);
}
