#!/usr/bin/env python3
"""Writes the torchvision reference files the Ml tests read (run once; the outputs are committed).

Needs PyTorch and torchvision (Debian 12: apt-get install --no-install-recommends python3-torchvision,
then run with /usr/bin/python3). Outputs, beside this script:
  torchvision-keys.json               every state-dict key and shape of resnet18/34/50 and
                                      mobilenet_v3_small (1000 classes), in torchvision's order
  tv-mobilenet_v3_small-f16.pt        mobilenet_v3_small(num_classes=5) with seeded random weights,
                                      batch-norm statistics included, saved by torch.save in float16
  tv-mobilenet_v3_small.json          the logits torchvision computes for that checkpoint (eval mode,
                                      float32 weights loaded back from the float16 values) on the same
                                      formula input as ../shared/fixtures/torchvision (64x64, n in 0..1)
The weights are random, not pretrained: no licence attaches to them.
"""
import json
import math
import os

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))


def keys_and_shapes(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def randomise(model, generator):
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                tensor.fill_(int(torch.randint(1, 10000, (1,), generator=generator)))
            elif name.endswith("running_mean"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)
            elif name.endswith("running_var"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * 1.5 + 0.5)
            elif tensor.dim() == 1:  # batch-norm affine and linear/conv biases
                scale = 0.5 if ".1.weight" in name or name.endswith("bn.weight") else 0.2
                base = 1.0 if scale == 0.5 else 0.0
                tensor.copy_(base + (torch.rand(tensor.shape, generator=generator) * 2 - 1) * scale)
            else:  # convolution and linear weights: unit-variance activations (fan-in)
                fan_in = tensor[0].numel()
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * math.sqrt(2.0 / fan_in))


def formula_input(size):
    n, c, h, w = torch.meshgrid(torch.arange(2), torch.arange(3), torch.arange(size), torch.arange(size), indexing="ij")
    return torch.sin(0.37 * (n + 1) * (c + 1) + 0.11 * h - 0.07 * w).float()


def main():
    keys = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "models": {
            name: keys_and_shapes(getattr(torchvision.models, name)())
            for name in ["resnet18", "resnet34", "resnet50", "mobilenet_v3_small"]
        },
    }
    with open(os.path.join(HERE, "torchvision-keys.json"), "w") as f:
        # One key per line: reviewable, and diffs stay readable if torchvision ever changes a layout.
        f.write('{\n "torch": %s,\n "torchvision": %s,\n "models": {\n' % (json.dumps(keys["torch"]), json.dumps(keys["torchvision"])))
        f.write(",\n".join(
            '  %s: [\n%s\n  ]' % (json.dumps(name), ",\n".join("   " + json.dumps(entry) for entry in entries))
            for name, entries in keys["models"].items()))
        f.write("\n }\n}\n")

    generator = torch.Generator().manual_seed(20261204)
    model = torchvision.models.mobilenet_v3_small(num_classes=5)
    randomise(model, generator)
    half = {k: (v.half() if v.is_floating_point() else v.clone()) for k, v in model.state_dict().items()}
    torch.save(half, os.path.join(HERE, "tv-mobilenet_v3_small-f16.pt"))

    model.load_state_dict({k: (v.float() if v.is_floating_point() else v) for k, v in half.items()})
    model.eval()
    with torch.no_grad():
        logits = model(formula_input(64))
    reference = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "model": "torchvision.models.mobilenet_v3_small(num_classes=5), seeded random weights and batch-norm statistics",
        "file": "tv-mobilenet_v3_small-f16.pt",
        "dtype": "torch.float16",
        "input": "x[n,c,h,w] = sin(0.37*(n+1)*(c+1) + 0.11*h - 0.07*w), float32, NCHW, n in 0..1",
        "input_size": 64,
        "parameter_count": sum(p.numel() for p in model.parameters()),
        "state_element_count": sum(v.numel() for v in model.state_dict().values()),
        "logits": [[round(float(v), 6) for v in row] for row in logits],
    }
    with open(os.path.join(HERE, "tv-mobilenet_v3_small.json"), "w") as f:
        json.dump(reference, f, indent=1)
    print(json.dumps(reference["logits"]))


if __name__ == "__main__":
    main()
