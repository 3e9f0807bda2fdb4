#!/usr/bin/env python3
"""The plain PyTorch training script a user would write, as the reference
relulab's trainer is timed against (scripts/bench_training.py).

Same problem as relulab's defaults: Fashion-MNIST from Debian's IDX files,
normalised like relulab, an MLP 784-256-256-10 or a CNN conv16-conv32 (3x3,
activation, 2x2 max-pool) with a linear head, cross-entropy, SGD with
momentum, randperm minibatches, one intra-op thread. Prints one JSON line:
the seconds of each epoch's training steps (no evaluation), like relulab's
epochs.csv `seconds`.

--gemm-only times just the matrix products (MLP) or convolutions and
products (CNN) of one epoch's steps, forward and backward, with the same
shapes: the floor a training epoch cannot go below.
"""
import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530
ACTIVATIONS = {
    "relu": torch.nn.ReLU, "leaky_relu": lambda: torch.nn.LeakyReLU(0.01), "prelu": torch.nn.PReLU,
    "gelu": torch.nn.GELU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
    "elu": torch.nn.ELU, "silu": torch.nn.SiLU,
}


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder):
    x = torch.from_numpy(idx(Path(folder) / "train-images-idx3-ubyte.gz").copy()).float()
    y = torch.from_numpy(idx(Path(folder) / "train-labels-idx1-ubyte.gz").astype(np.int64))
    return ((x / 255.0 - MEAN) / STD).unsqueeze(1), y


def model(arch, activation):
    act = ACTIVATIONS[activation]
    if arch == "mlp":
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 256), act(),
                                   torch.nn.Linear(256, 256), act(), torch.nn.Linear(256, 10))
    return torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3, padding=1), act(), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(16, 32, 3, padding=1), act(), torch.nn.MaxPool2d(2),
                               torch.nn.Flatten(), torch.nn.Linear(32 * 7 * 7, 10))


def train(args, x, y):
    net = model(args.arch, args.activation)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
    seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for i in range(0, len(x), args.batch_size):
            idx_ = order[i:i + args.batch_size]
            loss = F.cross_entropy(net(x[idx_]), y[idx_])
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return seconds


def gemm_only(args, n):
    """One epoch's products with the training shapes: forward, grad-input and
    grad-weight of every layer (no grad-input for the first). Inputs are made
    before the clock starts, so only the products are timed."""
    sizes = [min(args.batch_size, n - i) for i in range(0, n, args.batch_size)]
    b = args.batch_size
    if args.arch == "mlp":
        dims = [784, 256, 256, 10]
        w = [torch.randn(dims[k + 1], dims[k]) for k in range(3)]
        x, g_out = torch.randn(b, dims[0]), torch.randn(b, dims[3])
        start = time.perf_counter()
        for size in sizes:
            acts = [x[:size]]
            for k in range(3):
                acts.append(acts[-1] @ w[k].t())
            g = g_out[:size]
            for k in reversed(range(3)):
                _ = g.t() @ acts[k]          # grad weight
                if k > 0:
                    g = g @ w[k]             # grad input
        return time.perf_counter() - start
    c1 = torch.randn(16, 1, 3, 3, requires_grad=True)
    c2 = torch.randn(32, 16, 3, 3, requires_grad=True)
    head = torch.randn(10, 32 * 7 * 7)
    x = torch.randn(b, 1, 28, 28)
    h1 = torch.randn(b, 16, 14, 14, requires_grad=True)
    flat, g_out = torch.randn(b, 32 * 7 * 7), torch.randn(b, 10)
    start = time.perf_counter()
    for size in sizes:
        z1 = F.conv2d(x[:size], c1, padding=1)
        z2 = F.conv2d(h1[:size], c2, padding=1)
        torch.autograd.grad((z1.sum(), z2.sum()), (c1, c2, h1))  # conv backward: weights, input
        _ = flat[:size] @ head.t()
        _ = g_out[:size].t() @ flat[:size]
        _ = g_out[:size] @ head
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--gemm-only", action="store_true")
    parser.add_argument("--train-examples", type=int, default=60000,
                        help="train on the first N images (relulab holds 10000 out for validation)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    if args.gemm_only:
        print(json.dumps({"gemm_seconds_per_epoch": gemm_only(args, args.train_examples)}))
        return
    x, y = load(args.data)
    x, y = x[:args.train_examples], y[:args.train_examples]
    seconds = train(args, x, y)
    print(json.dumps({"seconds_per_epoch": seconds}))


if __name__ == "__main__":
    main()
