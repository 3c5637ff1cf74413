using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Orchestrator.Ml.Models.Torchvision;

/// <summary>
/// A container whose children are registered under explicit names ("0", "1", ... as in a PyTorch
/// Sequential, or "fc1"): the state-dict keys are then exactly torchvision's, while the owner keeps typed
/// references and runs the children itself.
/// </summary>
internal sealed class ModuleSlots(string name) : Module(name)
{
    public T Add<T>(string key, T module)
        where T : Module
    {
        register_module(key, module);
        return module;
    }

    protected override void RegisterComponents()
    {
    }
}

/// <summary>
/// Base of the torchvision-layout building blocks: children are registered by hand under torchvision's
/// names (TorchSharp's field reflection would register the typed references a second time).
/// </summary>
internal abstract class TorchvisionModule(string name) : Module<Tensor, Tensor>(name)
{
    protected override void RegisterComponents()
    {
    }
}
