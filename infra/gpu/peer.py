#!/usr/bin/env python3
"""The PyTorch side of ./bench.sh train-gpu: the project's ResNet (activities/Orchestrator.Ml/Models/ResNet.cs and
ResidualBlock.cs) in plain PyTorch, trained as the bare TorchSharp loop trains it: random uint8 images normalised
once and kept on the GPU, randperm batches, AdamW (lr 3e-3, weight decay 1e-4), gradient clipping at 5.0 and
loss.item() every step. TF32 on, as the product sets it on Ampere and later.

usage: peer.py IMAGES SIZE WIDTH BLOCKS STAGES EPOCHS BATCH [--amp] [--channels-last]
prints one line: PEER samples_per_s=S steady_epoch_s=T amp=0|1 channels_last=0|1 torch=VERSION gpu="NAME"
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    # Two 3x3 convolutions with batch norm; a strided 1x1 convolution with batch norm on the shortcut when the shape changes.
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.shortcut is None else self.shortcut(x)))


class Network(nn.Module):
    def __init__(self, size, width, blocks, stages, classes=4):
        super().__init__()
        if size == 224:  # Architecture.ResNet224: 7x7/2 stem and a 3x3/2 max pool
            self.stem = nn.Sequential(nn.Conv2d(3, width, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                                      nn.MaxPool2d(3, stride=2, padding=1))
        else:  # Architecture.ResNet32 with stem stride 1
            self.stem = nn.Sequential(nn.Conv2d(3, width, 3, stride=1, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU())
        layers, channels = [], width
        for stage in range(stages):
            for i in range(blocks):
                layers.append(Block(channels, width << stage, 2 if stage > 0 and i == 0 else 1))
                channels = width << stage
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Linear(channels, classes)

    def forward(self, x):
        return self.head(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def main():
    parser = argparse.ArgumentParser()
    for name in ("images", "size", "width", "blocks", "stages", "epochs", "batch"):
        parser.add_argument(name, type=int)
    parser.add_argument("--amp", action="store_true", help="bfloat16 autocast")
    parser.add_argument("--channels-last", action="store_true", help="NHWC memory format")
    a = parser.parse_args()

    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    device = torch.device("cuda")
    generator = torch.Generator().manual_seed(1)
    pixels = torch.randint(0, 256, (a.images, a.size, a.size, 3), dtype=torch.uint8, generator=generator)
    labels = torch.randint(0, 4, (a.images,), generator=generator).to(device)
    images = ((pixels.permute(0, 3, 1, 2).float() / 255 - 0.5) / 0.5).to(device)
    torch.manual_seed(7)
    model = Network(a.size, a.width, a.blocks, a.stages).to(device)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    seconds = []
    for _ in range(a.epochs):
        torch.cuda.synchronize()
        start = time.perf_counter()
        model.train()
        order = torch.randperm(a.images, device=device)
        for first in range(0, a.images, a.batch):
            index = order[first:first + a.batch]
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=a.amp):
                loss = F.cross_entropy(model(images.index_select(0, index)), labels.index_select(0, index))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            loss.item()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)

    steady = sum(seconds[1:]) / (len(seconds) - 1) if len(seconds) > 1 else seconds[0]
    print(f"PEER samples_per_s={a.images / steady:.1f} steady_epoch_s={steady:.3f} amp={int(a.amp)} channels_last={int(a.channels_last)} "
          f"torch={torch.__version__} gpu=\"{torch.cuda.get_device_name(device)}\"", flush=True)


if __name__ == "__main__":
    main()
