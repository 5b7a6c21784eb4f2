"""PyTorch CPU reference for `npm run bench`: the same GAN steps as gan-kit, timed the same way.

Runs as one long-lived child of bench/run.mjs, so that PyTorch and tfjs-node can be timed
alternately (a tfjs repeat, a PyTorch repeat, a tfjs repeat, ...) on a machine whose speed drifts.
It builds every model once, prints one JSON line with its versions, then answers one JSON line per
request read from stdin:

    {"cmd": "sgemm", "n": 2048, "repeats": 5}  ->  {"sgemm_gflops": ...}
    {"cmd": "warmup", "model": "mlp", "steps": 10}  ->  {"model": "mlp", "steps": 10}
    {"cmd": "time", "model": "mlp", "steps": 30}  ->  {"model": "mlp", "steps": 30, "ms_per_step": ...}

A training step is one D update plus one G update (non-saturating cost, Adam lr 1e-3, beta1 0.5).
The process ends when stdin closes. Models to build: the names given as the first argument (a JSON
list or object), else all of them.
"""

import json
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

LATENT = 96


def mlp():
    """Notebook 01's MLP GAN: G 96→1024→1024→784 relu/tanh, D 784→256→256→1 leaky 0.01; batch 64."""
    g = nn.Sequential(nn.Linear(LATENT, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 784), nn.Tanh())
    d = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.01), nn.Linear(256, 256), nn.LeakyReLU(0.01), nn.Linear(256, 1))
    data = torch.rand(10_000, 784) * 2 - 1
    return dict(g=g, d=d, data=data, noise="normal", latent=LATENT, batch=64)


def dcgan():
    """The source DCGAN: dense + transposed-conv G with BatchNorm, conv D; uniform noise; batch 64."""
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
    data = torch.rand(10_000, 1, 28, 28) * 2 - 1
    return dict(g=g, d=d, data=data, noise="uniform", latent=LATENT, batch=64)


def ring_points(n=10_000, modes=8, radius=2.0, sd=0.02, seed=3):
    """n 2-D points from `modes` Gaussians (sd `sd`) evenly spaced on a circle of radius `radius`."""
    gen = torch.Generator().manual_seed(seed)
    k = torch.randint(0, modes, (n,), generator=gen).float()
    angle = k * (2 * torch.pi / modes)
    centres = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return centres + sd * torch.randn(n, 2, generator=gen)


def ring():
    """The LSGAN paper's mixture-of-Gaussians GAN size: G 256→128→128→128→2 (tanh, linear out),
    D 2→128→128→128→1 (tanh, linear logit); normal noise of size 256; batch 512."""
    latent, hidden = 256, 128
    g = nn.Sequential(nn.Linear(latent, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                      nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 2))
    d = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                      nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 1))
    return dict(g=g, d=d, data=ring_points(), noise="normal", latent=latent, batch=512)


MODELS = {"mlp": mlp, "dcgan": dcgan, "ring": ring}


def make_step(build):
    """Builds a model (seeded) and returns a function that runs one training step."""
    torch.manual_seed(1)
    m = build()
    g, d, data, batch, latent = m["g"], m["d"], m["data"], m["batch"], m["latent"]
    g_opt = torch.optim.Adam(g.parameters(), lr=1e-3, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=1e-3, betas=(0.5, 0.999))
    normal = m["noise"] == "normal"

    def sample(n):
        return torch.randn(n, latent) if normal else torch.rand(n, latent) * 2 - 1

    def step():
        real = data[torch.randint(0, data.shape[0], (batch,))]
        fake = g(sample(batch)).detach()
        # One D pass over real and fake together, as gan-kit does for a D without BatchNorm (all three here).
        d_real, d_fake = d(torch.cat([real, fake])).split(batch)
        d_loss = 0.5 * (F.softplus(-d_real).mean() + F.softplus(d_fake).mean())
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        g_loss = 0.5 * F.softplus(-d(g(sample(batch)))).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        return d_loss.item(), g_loss.item()  # the same two reads per step as gan-kit

    return step


def sgemm_gflops(n=2048, repeats=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return 2 * n ** 3 / statistics.median(times) / 1e9


def answer(request, steps_of):
    cmd = request.get("cmd", "time")
    if cmd == "sgemm":
        return {"sgemm_gflops": sgemm_gflops(request.get("n", 2048), request.get("repeats", 5))}
    name, steps = request["model"], int(request["steps"])
    step = steps_of[name]
    if cmd == "warmup":
        for _ in range(steps):
            step()
        return {"model": name, "steps": steps}
    if cmd == "time":
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return {"model": name, "steps": steps, "ms_per_step": 1000 * (time.perf_counter() - start) / steps}
    raise ValueError(f"unknown command {cmd!r}")


def main():
    names = list(json.loads(sys.argv[1])) if len(sys.argv) > 1 else list(MODELS)
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise SystemExit(f"unknown model(s) {unknown}; known: {list(MODELS)}")
    steps_of = {name: make_step(MODELS[name]) for name in names}
    capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: None)()
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "cpu_capability": capability, "models": names}), flush=True)
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line), steps_of)
        except Exception as error:  # reported to the parent, which stops the run
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
