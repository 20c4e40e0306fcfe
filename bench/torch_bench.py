"""PyTorch baseline for TrainerBench: the same 784-256-128-10 ReLU network, one thread.

Prints JSON: samples/s for forward+backward, and full train steps with SGD and Adam, at batch
128 and 512; each the median of 7 timed runs after a warm-up. Needs Debian's python3-torch.
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(1)  # Debian's torch + system OpenBLAS threads fight at 2 (see FACTS)
torch.manual_seed(234)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 0.4


def rate(body, seconds):
    t0 = time.perf_counter()
    calls = 0
    while True:
        body()
        calls += 1
        el = time.perf_counter() - t0
        if el >= seconds:
            return calls / el


def median_rate(body, seconds):
    rate(body, seconds)
    return statistics.median(rate(body, seconds / 2) for _ in range(7))


def net():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))


rows = []
for b in (128, 512):
    x = torch.rand(b, 784) - 0.5
    y = torch.randint(0, 10, (b,))
    model = net()
    lossf = torch.nn.CrossEntropyLoss()

    def fwd_bwd():
        model.zero_grad(set_to_none=False)
        lossf(model(x), y).backward()

    s = median_rate(fwd_bwd, SECONDS)
    rows.append({"what": "forward+backward", "batch": b, "threads": 1,
                 "samples_per_s": round(s * b)})
    for name in ("sgd", "adam"):
        model = net()
        opt = (torch.optim.SGD(model.parameters(), lr=0.01) if name == "sgd"
               else torch.optim.Adam(model.parameters(), lr=1e-4))

        def step():
            opt.zero_grad(set_to_none=False)
            lossf(model(x), y).backward()
            opt.step()

        s = median_rate(step, SECONDS)
        rows.append({"what": "train step (%s)" % name, "batch": b, "threads": 1,
                     "samples_per_s": round(s * b)})

print(json.dumps({"torch": torch.__version__, "training": rows}, indent=2))
