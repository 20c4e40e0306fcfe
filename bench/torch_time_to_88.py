"""Time to 88 % test accuracy in PyTorch, one process: the model and schedule of
SparkTrainBench (Fashion-MNIST 784-256-128-10 ReLU, softmax cross-entropy, pixels / 255), the
official test set evaluated after every epoch outside the timed training. Prints one JSON
object per run on one line.

Usage: python3 bench/torch_time_to_88.py OPTIMIZER LR EPOCHS GLOBAL_BATCH SCHEDULE [THREADS]
(SCHEDULE: constant or cosine over all steps, as LrSchedule does). Needs python3-torch and
libopenblas0-pthread (without it torch falls back to the reference BLAS, 20x slower); run with
OPENBLAS_NUM_THREADS=1 so that OpenBLAS does not fight torch's own threads.
"""
import gzip, json, math, os, struct, sys, time

import torch


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def find(d, name):
    for n in (name, name + ".gz"):
        if os.path.exists(os.path.join(d, n)):
            return os.path.join(d, n)
    raise SystemExit(f"torch_time_to_88: {name} not found in {d}")


def main():
    opt_name, lr, epochs, batch, schedule = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), sys.argv[5]
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    d = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
    x = idx(find(d, "train-images-idx3-ubyte")).reshape(-1, 784).float() / 255
    y = idx(find(d, "train-labels-idx1-ubyte")).long()
    tx = idx(find(d, "t10k-images-idx3-ubyte")).reshape(-1, 784).float() / 255
    ty = idx(find(d, "t10k-labels-idx1-ubyte")).long()
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    opt = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[opt_name](model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps_per_epoch = math.ceil(x.shape[0] / batch)
    total = steps_per_epoch * epochs
    g = torch.Generator().manual_seed(42)
    trained, step, reached, curve = 0.0, 0, None, []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        order = torch.randperm(x.shape[0], generator=g)
        for i in range(0, x.shape[0], batch):
            if schedule == "cosine":
                for group in opt.param_groups:
                    group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / total))
            idx_b = order[i:i + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx_b]), y[idx_b]).backward()
            opt.step()
            step += 1
        trained += time.perf_counter() - t0
        with torch.no_grad():
            acc = (model(tx).argmax(1) == ty).float().mean().item()
        curve.append([trained, acc])
        if reached is None and acc >= 0.88:
            reached = trained
    print(json.dumps({"run": f"pytorch:{opt_name}:{lr}:{epochs}:{batch}:{schedule}",
                      "threads": threads, "torch": torch.__version__, "seconds_to_88": reached,
                      "best_test_accuracy": max(a for _, a in curve),
                      "seconds_and_test_accuracy_per_epoch": curve}))


main()
