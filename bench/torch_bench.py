"""PyTorch baseline for TrainerBench: the same 784-256-128-10 ReLU network.

Usage: torch_bench.py [SECONDS] [--blas MODE]

Prints JSON: GFLOP/s of the network's matrix products (the same shapes and layouts as
TrainerBench), and samples/s for forward+backward and for full train steps with SGD and Adam, at
batch 128 and 512; each the median of 7 timed runs after a warm-up. Every figure comes with
cpu_per_wall, the process's CPU seconds per wall-clock second over the timed runs: the number
of cores it really kept busy.

torch.set_num_threads(1) limits torch's own thread pool, but Debian's torch runs its matrix
products on the system OpenBLAS, which keeps a pool of its own (one thread per core). MODE says
what to do with that pool:
  one-thread (default)  OPENBLAS_NUM_THREADS=1 before torch loads: one thread in all (cpu_per_wall
                        about 1.0);
  openblas-default      leave OpenBLAS's pool alone: set_num_threads(1) only. On a 2-core machine
                        the products then run on both cores (cpu_per_wall about 1.6).
Needs Debian's python3-torch.
"""
import json
import os
import statistics
import sys
import time

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
BLAS = "one-thread"
if "--blas" in sys.argv:
    BLAS = sys.argv[sys.argv.index("--blas") + 1]
    ARGS.remove(BLAS)
if BLAS not in ("one-thread", "openblas-default"):
    sys.exit("torch_bench.py: --blas must be one-thread or openblas-default, got %r" % BLAS)
if BLAS == "one-thread":
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # read once, when libopenblas loads with torch

import torch  # noqa: E402  (after the environment it reads)

torch.set_num_threads(1)
torch.manual_seed(234)
SECONDS = float(ARGS[0]) if ARGS else 0.4


def rate(body, seconds):
    """(calls per wall second, CPU seconds, wall seconds) of body run for about seconds."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    calls = 0
    while True:
        body()
        calls += 1
        el = time.perf_counter() - t0
        if el >= seconds:
            return calls / el, time.process_time() - c0, el


def median_rate(body, seconds):
    """Median calls/s of 7 runs after a warm-up, and CPU seconds per wall second over them."""
    rate(body, seconds)
    runs = [rate(body, seconds / 2) for _ in range(7)]
    return (statistics.median(r[0] for r in runs),
            sum(r[1] for r in runs) / sum(r[2] for r in runs))


def net():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))


def gemm_row(layout, m, n, k):
    """C (m, n) = A·B with TrainerBench's layouts: nn A (m,k)·B (k,n); tn A stored (k,m);
    nt B stored (n,k)."""
    a = torch.rand(k, m).t() if layout == "tn" else torch.rand(m, k)
    b = torch.rand(n, k).t() if layout == "nt" else torch.rand(k, n)
    c = torch.empty(m, n)
    calls, cpu = median_rate(lambda: torch.mm(a, b, out=c), SECONDS / 4)
    return {"layout": layout, "m": m, "n": n, "k": k,
            "gflops": round(calls * 2.0 * m * n * k / 1e9, 1), "cpu_per_wall": round(cpu, 2)}


gemm = []
for b in (128, 512):
    for i, o in ((784, 256), (256, 128), (128, 10)):
        gemm.append(gemm_row("nn", b, o, i))
        gemm.append(gemm_row("tn", i, o, b))
        if i != 784:
            gemm.append(gemm_row("nt", b, i, o))

rows = []
for b in (128, 512):
    x = torch.rand(b, 784) - 0.5
    y = torch.randint(0, 10, (b,))
    model = net()
    lossf = torch.nn.CrossEntropyLoss()

    def fwd_bwd():
        model.zero_grad(set_to_none=False)
        lossf(model(x), y).backward()

    s, cpu = median_rate(fwd_bwd, SECONDS)
    rows.append({"what": "forward+backward", "batch": b, "threads": 1,
                 "samples_per_s": round(s * b), "cpu_per_wall": round(cpu, 2)})
    for name in ("sgd", "adam"):
        model = net()
        opt = (torch.optim.SGD(model.parameters(), lr=0.01) if name == "sgd"
               else torch.optim.Adam(model.parameters(), lr=1e-4))

        def step():
            opt.zero_grad(set_to_none=False)
            lossf(model(x), y).backward()
            opt.step()

        s, cpu = median_rate(step, SECONDS)
        rows.append({"what": "train step (%s)" % name, "batch": b, "threads": 1,
                     "samples_per_s": round(s * b), "cpu_per_wall": round(cpu, 2)})

print(json.dumps({"torch": torch.__version__, "blas": BLAS, "gemm": gemm, "training": rows},
                 indent=2))
