"""PyTorch CPU reference for `npm run bench`: the same GAN steps as gan-kit, timed the same way.

Prints one JSON object: per model the median and spread of ms per training step (one D update
plus one G update, batch 64), and the machine's FP32 sgemm throughput as PyTorch sees it.
"""

import json
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH, LATENT = 64, 96


def mlp():
    g = nn.Sequential(nn.Linear(LATENT, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.01), nn.Linear(256, 256), nn.LeakyReLU(0.01), nn.Linear(256, 1))
    return g, d, (784,), "normal"


def dcgan():
    g = nn.Sequential(
        nn.Linear(LATENT, 1024), nn.ReLU(), nn.BatchNorm1d(1024),
        nn.Linear(1024, 7 * 7 * 128), nn.ReLU(), nn.BatchNorm1d(7 * 7 * 128),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, padding=1), nn.ReLU(), nn.BatchNorm2d(64),
        nn.ConvTranspose2d(64, 1, 4, 2, padding=1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 32, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1024, 1024), nn.LeakyReLU(0.01), nn.Linear(1024, 1))
    return g, d, (1, 28, 28), "uniform"


def time_model(build, warmup, repeats, steps):
    torch.manual_seed(1)
    g, d, shape, noise = build()
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.999))
    data = torch.rand(10_000, *shape) * 2 - 1

    def sample(n):
        return torch.randn(n, LATENT) if noise == "normal" else torch.rand(n, LATENT) * 2 - 1

    def step():
        real = data[torch.randint(0, data.shape[0], (BATCH,))]
        fake = g(sample(BATCH)).detach()
        d_loss = 0.5 * (F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean())
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        g_loss = 0.5 * F.softplus(-d(g(sample(BATCH)))).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        return d_loss.item(), g_loss.item()  # the same two reads per step as gan-kit

    for _ in range(warmup):
        step()
    per_step = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        per_step.append(1000 * (time.perf_counter() - start) / steps)
    return {"median_ms": statistics.median(per_step), "min_ms": min(per_step), "max_ms": max(per_step), "runs": per_step}


def sgemm_gflops(n=2048, repeats=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / statistics.median(times) / 1e9


if __name__ == "__main__":
    plan = json.loads(sys.argv[1])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "sgemm_gflops": sgemm_gflops()}
    for name, build in (("mlp", mlp), ("dcgan", dcgan)):
        out[name] = time_model(build, **plan[name])
    print(json.dumps(out))
