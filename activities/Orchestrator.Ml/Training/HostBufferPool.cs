using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// A fixed set of host batch buffers (uint8, batch x size x size x 3), allocated once per training run and reused
/// by every epoch's <see cref="DeviceBatchLoader"/>. For a CUDA device they are page-locked (pinned), so the copy
/// to the GPU runs asynchronously by DMA while the CPU fills the next one.
/// </summary>
public sealed class HostBufferPool : IDisposable
{
    private readonly BlockingCollection<Tensor> free = new(new ConcurrentQueue<Tensor>());
    private readonly List<Tensor> all = [];

    /// <param name="batchSize">Images per buffer.</param>
    /// <param name="inputSize">The model's input side.</param>
    /// <param name="device">The training device: buffers are pinned when it is a CUDA device.</param>
    /// <param name="count">Buffers in the pool: those queued ahead, the one the model is consuming and the one being filled.</param>
    public HostBufferPool(int batchSize, int inputSize, Device device, int count = 5)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        BatchSize = batchSize;
        InputSize = inputSize;
        Pinned = device.type == DeviceType.CUDA;
        for (var i = 0; i < count; i++)
        {
            var buffer = empty([batchSize, inputSize, inputSize, 3], ScalarType.Byte);
            if (Pinned)
            {
                var pinned = buffer.pin_memory();
                buffer.Dispose();
                buffer = pinned;
            }

            buffer = buffer.DetachFromDisposeScope();
            all.Add(buffer);
            free.Add(buffer);
        }
    }

    public int BatchSize { get; }

    public int InputSize { get; }

    /// <summary>Whether the buffers are page-locked.</summary>
    public bool Pinned { get; }

    /// <summary>Takes a free buffer, waiting while all are in use.</summary>
    public Tensor Rent(CancellationToken cancellationToken) => free.Take(cancellationToken);

    /// <summary>Gives a buffer back once nothing reads it any more (its device copy has completed).</summary>
    public void Return(Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        free.Add(buffer);
    }

    public void Dispose()
    {
        foreach (var buffer in all)
        {
            buffer.Dispose();
        }

        free.Dispose();
    }
}
