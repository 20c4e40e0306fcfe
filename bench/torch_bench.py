"""PyTorch baseline for TrainerBench: the same 784-256-128-10 ReLU network and matrix products.

Usage: torch_bench.py [SECONDS] [--blas MODE]    prints JSON (each figure the median of 7 timed
                                                  runs after a warm-up)
       torch_bench.py --serve [--blas MODE]       the peer TrainerBench drives (bin/bench-trainer)

Workloads (named as on the --serve protocol):
  gemm LAYOUT M N K   C (M, N) = A·B; nn A (M,K)·B (K,N); tn A stored (K,M); nt B stored (N,K)
  train WHAT BATCH    WHAT = fwdbwd (forward+backward), sgd or adam (a full train step)

--serve reads one request per line, "WORKLOAD SECONDS", runs the workload (building and warming
it on first use) for about SECONDS, and answers one JSON line: {"rate": calls per wall second,
"cpu_per_wall": the process's CPU seconds per wall second}. cpu_per_wall is the number of cores
the workload really kept busy.

torch.set_num_threads(1) limits torch's own thread pool, but Debian's torch runs its matrix
products on the system OpenBLAS, which keeps a pool of its own (one thread per core). MODE says
what to do with that pool:
  one-thread (default)  OPENBLAS_NUM_THREADS=1 before torch loads: one thread in all;
  openblas-default      leave OpenBLAS's pool alone (set_num_threads(1) only): on a 2-core
                        machine the products then run on both cores.
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
EPOCH_BATCHES = 4  # TrainerBench's


def run_for(body, seconds):
    """(calls per wall second, CPU seconds per wall second) of body run for about seconds."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    calls = 0
    while True:
        body()
        calls += 1
        el = time.perf_counter() - t0
        if el >= seconds:
            return calls / el, (time.process_time() - c0) / el


def net():
    return torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))


def gemm(layout, m, n, k):
    a = torch.rand(k, m).t() if layout == "tn" else torch.rand(m, k)
    b = torch.rand(n, k).t() if layout == "nt" else torch.rand(k, n)
    c = torch.empty(m, n)
    return lambda: torch.mm(a, b, out=c)


def train(what, batch):
    """fwdbwd: forward+backward of one fixed batch (as TrainerBench's). sgd, adam: a train step
    as TrainerBench's Trainer.fit takes it: the next minibatch gathered from an EPOCH_BATCHES
    epoch in a shuffled order (reshuffled every epoch), forward, backward, optimizer step."""
    model = net()
    lossf = torch.nn.CrossEntropyLoss()
    if what == "fwdbwd":
        x = torch.rand(batch, 784) - 0.5
        y = torch.randint(0, 10, (batch,))

        def fwd_bwd():
            # set_to_none: backward writes fresh gradients instead of adding to zeroed ones, as
            # sparkprop's overwrite does (PyTorch's faster choice: 1.09x at batch 128, 0.99x at
            # batch 512 on one thread, measured against set_to_none=False).
            model.zero_grad(set_to_none=True)
            lossf(model(x), y).backward()
        return fwd_bwd
    rows = EPOCH_BATCHES * batch
    xs = torch.rand(rows, 784) - 0.5
    ys = torch.randint(0, 10, (rows,))
    xb = torch.empty(batch, 784)
    yb = torch.empty(batch, dtype=torch.long)
    order = [torch.randperm(rows), 0]
    opt = (torch.optim.SGD(model.parameters(), lr=0.01) if what == "sgd"
           else torch.optim.Adam(model.parameters(), lr=1e-4))

    def step():
        if order[1] == rows:
            order[0], order[1] = torch.randperm(rows), 0
        idx = order[0][order[1]:order[1] + batch]
        order[1] += batch
        torch.index_select(xs, 0, idx, out=xb)
        torch.index_select(ys, 0, idx, out=yb)
        opt.zero_grad(set_to_none=True)  # see fwd_bwd
        lossf(model(xb), yb).backward()
        opt.step()
    return step


def build(name):
    f = name.split()
    if f[0] == "gemm":
        return gemm(f[1], int(f[2]), int(f[3]), int(f[4]))
    if f[0] == "train" and f[1] in ("fwdbwd", "sgd", "adam"):
        return train(f[1], int(f[2]))
    raise ValueError("unknown workload %r" % name)


def serve():
    bodies = {}
    for line in sys.stdin:
        name, seconds = line.rsplit(maxsplit=1)
        try:
            if name not in bodies:
                bodies[name] = build(name)
                run_for(bodies[name], 0.2)  # warm-up
            rate, cpu = run_for(bodies[name], float(seconds))
            reply = {"rate": rate, "cpu_per_wall": cpu}
        except ValueError as e:
            reply = {"error": str(e)}
        print(json.dumps(reply), flush=True)


def main():
    seconds = float(ARGS[0]) if ARGS else 0.4

    def median_rate(name, s):
        body = build(name)
        run_for(body, s)
        runs = [run_for(body, s / 2) for _ in range(7)]
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    out = {"torch": torch.__version__, "blas": BLAS, "gemm": [], "training": []}
    for b in (128, 512):
        for i, o in ((784, 256), (256, 128), (128, 10)):
            shapes = [("nn", b, o, i), ("tn", i, o, b)] + ([("nt", b, i, o)] if i != 784 else [])
            for lay, m, n, k in shapes:
                r, cpu = median_rate("gemm %s %d %d %d" % (lay, m, n, k), seconds / 4)
                out["gemm"].append({"layout": lay, "m": m, "n": n, "k": k,
                                    "gflops": round(r * 2.0 * m * n * k / 1e9, 1),
                                    "cpu_per_wall": round(cpu, 2)})
        for what in ("fwdbwd", "sgd", "adam"):
            r, cpu = median_rate("train %s %d" % (what, b), seconds)
            out["training"].append({"what": what, "batch": b, "samples_per_s": round(r * b),
                                    "cpu_per_wall": round(cpu, 2)})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    serve() if "--serve" in sys.argv else main()
