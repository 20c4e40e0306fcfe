"""The ring exchange's cost model for the default model (784-512-256-10, batch norm, AdamW,
128 rows per worker, gradient sync, sharded optimizer), as the README states it:

  step(P) = c + u/P + 1.18 * (P-1)/P * 4n / B + 2 * (P-1) * alpha

c: forward + backward of 128 rows on one executor core (ms); u: the optimizer step over all n
parameters (ms), 1/P of it per worker when sharded; 4n bytes of gradient. The backward pass
releases the gradient in buckets from the last layer and the first layer's weight gradient in
row blocks of 192 rows from its end, so after it only the reduce-scatter of the last block
(192 x 512 floats, 0.18 of the bytes) and the parameters' all-gather (1.0, one pass over every
bucket) remain; B: the network's TCP goodput per endpoint; 2 (P-1) messages in a row after the
backward pass (the last block's reduce-scatter, the all-gather; the norm travels with the next
step's counts), alpha each. Prints the table for 1 to 64 executors on 10 and 25 Gb/s.

Usage: python3 bench/cost_model.py C_MS U_MS ALPHA_US
"""
import sys
n = 536586            # parameters of 784-512-256-10 with batch norm
c = float(sys.argv[1])  # ms: forward+backward, 128 rows, one worker
u = float(sys.argv[2])  # ms: AdamW step over all parameters
alpha = float(sys.argv[3]) / 1000  # ms per ring message
EXPOSED = 1 + 192 * 512 / n  # the first layer's last row block, then the whole all-gather
rows = []
for gbps, goodput in ((10, 1.15), (25, 2.9)):
    for p in (1, 2, 8, 16, 32, 64):
        mb = 4 * n / 1e6 * (p - 1) / p
        exposed_mb = EXPOSED * mb       # the last row block's reduce-scatter + the all-gather
        wire = exposed_mb / goodput      # ms (MB / (GB/s) = ms)
        hops = 2 * (p - 1) * alpha
        t = c + u / p + wire + hops
        rows.append((gbps, p, wire, hops, t, (c + u) / t, p * 128 / t * 1000))
print("| network | executors | exposed transfer ms | exposed latency ms | step ms | efficiency | samples/s |")
print("|---|---|---|---|---|---|---|")
for g, p, w, h, t, e, s in rows:
    print(f"| {g} Gb/s | {p} | {w:.2f} | {h:.2f} | {t:.2f} | {e:.2f} | {s/1000:.0f}k |")
