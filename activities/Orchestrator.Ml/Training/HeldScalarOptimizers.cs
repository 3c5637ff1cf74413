using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orchestrator.Ml.Training;

/// <summary>
/// torch.optim.AdamW with TorchSharp's update, op for op, but with every Scalar held until the step ends: TorchSharp's
/// own step passes implicitly converted Scalars (beta1, 1 - beta1, eps ...) that the garbage collector may free while
/// libtorch reads them (<see cref="HeldScalars"/>). State, parameter groups and state dicts are TorchSharp's.
/// </summary>
public sealed class HeldScalarAdamW(IEnumerable<AdamW.ParamGroup> groups, double lr, double weightDecay)
    : AdamW(groups, lr, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var (beta1, beta2, eps, lr) = (options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.LearningRate!.Value);
        var (weightDecay, amsgrad, maximize) = (options.weight_decay!.Value, options.amsgrad!.Value, options.maximize!.Value);
        using var k = new HeldScalars();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            if (maximize)
            {
                grad = grad.neg();
            }

            state.step += 1;
            param.mul_(k[1 - (lr * weightDecay)]);
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(k[beta1]).add_(grad, k[1 - beta1]);
            state.exp_avg_sq.mul_(k[beta2]).addcmul_(grad, grad, k[1 - beta2]);
            Tensor denominator;
            if (amsgrad)
            {
                var previous = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                previous.Dispose();
                denominator = state.max_exp_avg_sq.sqrt().div_(k[Math.Sqrt(biasCorrection2)]).add_(k[eps], HeldScalars.One);
            }
            else
            {
                denominator = state.exp_avg_sq.sqrt().div_(k[Math.Sqrt(biasCorrection2)]).add_(k[eps], HeldScalars.One);
            }

            param.addcdiv_(state.exp_avg, denominator, k[-(lr / biasCorrection1)]);
        }
    }, closure);
}

/// <summary>
/// torch.optim.SGD (momentum, dampening, weight decay, Nesterov) with TorchSharp's update, op for op, but with every
/// Scalar held until the step ends (see <see cref="HeldScalarAdamW"/>).
/// </summary>
public sealed class HeldScalarSgd(IEnumerable<SGD.ParamGroup> groups, double lr, double momentum, double weightDecay, bool nesterov)
    : SGD(groups, lr, momentum, weight_decay: weightDecay, nesterov: nesterov)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        var (momentum, dampening, weightDecay) = (options.momentum!.Value, options.dampening!.Value, options.weight_decay!.Value);
        var (nesterov, maximize, lr) = (options.nesterov!.Value, options.maximize!.Value, options.LearningRate!.Value);
        using var k = new HeldScalars();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null)
            {
                continue;
            }

            if (weightDecay != 0)
            {
                grad = grad.add(param, k[weightDecay]);
            }

            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    buffer.mul_(k[momentum]).add_(grad, k[1 - dampening]);
                }

                grad = nesterov ? grad.add(buffer, k[momentum]) : buffer;
                state.momentum_buffer = buffer;
            }

            param.add_(grad, k[maximize ? lr : -lr]);
        }
    }, closure);
}
