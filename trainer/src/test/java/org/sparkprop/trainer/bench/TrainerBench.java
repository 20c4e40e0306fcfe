package org.sparkprop.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.TrainConfig;
import org.sparkprop.trainer.train.Trainer;

/**
 * Kernel and training throughput of a 784-256-128-10 ReLU network, printed as JSON on stdout:
 * GFLOP/s of every matrix product the network runs (2·M·N·K flops), and training samples/s
 * (forward + backward, and with an SGD or Adam step) at batch 128 and 512 on 1 and 2 threads.
 *
 * <p>With {@code --torch bench/torch_bench.py} every figure is measured side by side with
 * PyTorch running the same workload: sparkprop and each PyTorch process (see {@link TorchPeer})
 * take turns in slices of a fraction of a second, PAIRS times, after a warm-up of each. This
 * VM's speed drifts by up to 1.7× within seconds, so figures taken minutes apart (one process
 * after the other) swing more than the difference being measured; each ratio here is the median
 * of the per-turn ratios. PyTorch runs twice: on one thread ({@code OPENBLAS_NUM_THREADS=1}
 * beside {@code torch.set_num_threads(1)}), and with {@code set_num_threads(1)} alone, which
 * leaves Debian's OpenBLAS pool on every core. {@code cpu_per_wall} (CPU seconds per wall second,
 * median over the turns) shows how many cores each side kept busy.
 *
 * <p>Usage: TrainerBench [SLICE_SECONDS] [--pairs N] [--torch SCRIPT] [--python PYTHON].
 * Run with {@code bin/bench-trainer}.
 */
public final class TrainerBench {
  /** One side of a comparison: runs its workload for about the given seconds. */
  private interface Side {
    /** {calls per wall second, CPU seconds per wall second}. */
    double[] slice(double seconds);
  }

  /** Batches per synthetic epoch of the train-step rows (torch_bench.py's EPOCH_BATCHES). */
  private static final int EPOCH_BATCHES = 4;

  private final double slice;
  private final int pairs;
  private final List<TorchPeer> peers;
  private boolean warmedUp;

  private TrainerBench(double slice, int pairs, List<TorchPeer> peers) {
    this.slice = slice;
    this.pairs = pairs;
    this.peers = peers;
  }

  public static void main(String[] args) throws Exception {
    double slice = 0.15;
    int pairs = 15;
    String torch = null;
    String python = "/usr/bin/python3";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--pairs": pairs = Integer.parseInt(args[++i]); break;
        case "--torch": torch = args[++i]; break;
        case "--python": python = args[++i]; break;
        default: slice = Double.parseDouble(args[i]);
      }
    }
    List<TorchPeer> peers = new ArrayList<>();
    try {
      if (torch != null) {
        peers.add(new TorchPeer(python, torch, "one-thread"));
        peers.add(new TorchPeer(python, torch, "openblas-default"));
      }
      System.out.println(new TrainerBench(slice, pairs, peers).run());
    } finally {
      for (TorchPeer p : peers) {
        p.close();
      }
    }
  }

  private String run() {
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"kernel\": \"").append(Kernels.newGemm().name()).append("\",\n");
    json.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
    json.append(String.format(Locale.ROOT, "  \"slice_s\": %.3f,\n  \"pairs\": %d,\n", slice,
        pairs));
    json.append("  \"gemm\": [\n");
    List<String> rows = new ArrayList<>();
    for (String kind : Kernels.vectorAvailable() ? new String[] {"vector", "java"}
        : new String[] {"java"}) {
      Gemm g = Kernels.newGemm(kind);
      for (int b : new int[] {128, 512}) {
        int[][] layers = {{784, 256}, {256, 128}, {128, 10}};
        for (int[] l : layers) {
          // Only the fast kernel is compared with PyTorch; the fallback is measured alone.
          boolean peer = kind.equals("vector") || !Kernels.vectorAvailable();
          rows.add(gemmRow(g, kind, "nn", "forward x·W", b, l[1], l[0], peer));
          rows.add(gemmRow(g, kind, "tn", "weight grad xᵀ·dz", l[0], l[1], b, peer));
          if (l[0] != 784) {
            rows.add(gemmRow(g, kind, "nt", "input grad dz·Wᵀ", b, l[0], l[1], peer));
          }
        }
      }
    }
    json.append(String.join(",\n", rows)).append("\n  ],\n  \"training\": [\n");
    rows.clear();
    MlpSpec spec = MlpSpec.of("784-256-128-10", "relu", "softmax_ce");
    for (int b : new int[] {128, 512}) {
      rows.add(fwdBwdRow(spec, b));
      for (String opt : new String[] {"sgd", "adam"}) {
        for (int threads : new int[] {1, 2}) {
          rows.add(trainRow(spec, b, threads, opt));
        }
      }
    }
    return json.append(String.join(",\n", rows)).append("\n  ]\n}").toString();
  }

  private static Side java(Runnable body) {
    return seconds -> {
      long cpu0 = Rates.processCpuNanos();
      long t0 = System.nanoTime();
      double rate = Rates.wall(body, seconds);
      return new double[] {rate,
          (double) (Rates.processCpuNanos() - cpu0) / (System.nanoTime() - t0)};
    };
  }

  /**
   * sparkprop's body against each peer's workload, in turns: r[side][0 = rate, 1 = cpu][turn].
   * Each side is warmed up first; the side that starts a turn rotates.
   */
  private double[][][] alternate(Runnable body, String workload, double seconds, int turns) {
    List<Side> sides = new ArrayList<>();
    sides.add(java(body));
    if (workload != null) {
      for (TorchPeer p : peers) {
        sides.add(s -> p.run(workload, s));
      }
    }
    int n = sides.size();
    // Warm-up: JIT compilation (the JVM's first workload compiles most of the kernel; its
    // background compiler threads otherwise show in the first turns' CPU per wall second).
    sides.get(0).slice(warmedUp ? 4 * seconds : 3.0);
    warmedUp = true;
    for (Side s : sides) {
      s.slice(2 * seconds);
    }
    double[][][] r = new double[n][2][turns];
    for (int t = 0; t < turns; t++) {
      for (int j = 0; j < n; j++) {
        int side = (t + j) % n;
        double[] x = sides.get(side).slice(seconds);
        r[side][0][t] = x[0];
        r[side][1][t] = x[1];
      }
    }
    return r;
  }

  /**
   * JSON fields: sparkprop's median (rate · scale) and cpu_per_wall, and per peer its median,
   * cpu_per_wall and the median of the per-turn ratios sparkprop / peer.
   */
  private String fields(double[][][] r, double scale, String unit) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "\"%s\": %.1f, \"cpu_per_wall\": %.2f", unit, Rates.median(r[0][0]) * scale,
        Rates.median(r[0][1])));
    for (int p = 1; p < r.length; p++) {
      String name = peers.get(p - 1).blas().equals("one-thread") ? "pytorch_one_thread"
          : "pytorch_openblas_default";
      double[] q = new double[r[0][0].length];
      for (int t = 0; t < q.length; t++) {
        q[t] = r[0][0][t] / r[p][0][t];
      }
      s.append(String.format(Locale.ROOT,
          ", \"%s_%s\": %.1f, \"%s_cpu_per_wall\": %.2f, \"ratio_vs_%s\": %.3f", name, unit,
          Rates.median(r[p][0]) * scale, name, Rates.median(r[p][1]), name, Rates.median(q)));
    }
    return s.toString();
  }

  private String gemmRow(Gemm g, String kind, String layout, String role, int m, int n, int k,
      boolean peer) {
    SplittableRandom r = new SplittableRandom(234);
    float[] a = Rates.uniform(r, m * k);
    float[] b = Rates.uniform(r, k * n);
    float[] c = new float[m * n];
    Runnable body;
    switch (layout) {
      case "nn": body = () -> g.nn(m, n, k, a, 0, b, 0, c, 0, false); break;
      case "nt": body = () -> g.nt(m, n, k, a, 0, b, 0, c, 0, false); break;
      default: body = () -> g.tn(m, n, k, a, 0, b, 0, c, 0, true); break;
    }
    String workload = peer ? String.format(Locale.ROOT, "gemm %s %d %d %d", layout, m, n, k)
        : null;
    double[][][] res = alternate(body, workload, slice / 3, peer ? pairs : 3);
    return String.format(Locale.ROOT, "    {\"kernel\": \"%s\", \"layout\": \"%s\", "
        + "\"role\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, %s}", kind, layout, role, m, n, k,
        fields(res, 2.0 * m * n * k / 1e9, "gflops"));
  }

  private String fwdBwdRow(MlpSpec spec, int b) {
    Mlp mlp = new Mlp(spec, b);
    Weights ps = mlp.initialise(1);
    SplittableRandom r = new SplittableRandom(234);
    float[] x = Rates.uniform(r, b * 784);
    float[] y = new float[b];
    for (int i = 0; i < b; i++) {
      y[i] = r.nextInt(10);
    }
    float[] g = new float[mlp.paramCount()];
    // Overwrites g, as Trainer does (PyTorch's side: zero_grad(set_to_none=True)).
    double[][][] res = alternate(() -> mlp.lossAndGrad(ps.params(), ps.state(), x, y, b, g, false),
        "train fwdbwd " + b, slice, pairs);
    return String.format(Locale.ROOT, "    {\"what\": \"forward+backward\", \"batch\": %d, "
        + "\"threads\": 1, %s}", b, fields(res, b, "samples_per_s"));
  }

  private String trainRow(MlpSpec spec, int b, int threads, String opt) {
    // A synthetic epoch of EPOCH_BATCHES batches: measures the full step (gather, forward,
    // backward, reduce, optimizer) through the Trainer, as training runs it. Short epochs keep a
    // call (at least one per slice) well inside a slice.
    int rows = b * EPOCH_BATCHES;
    SplittableRandom r = new SplittableRandom(234);
    float[] x = Rates.uniform(r, rows * 784);
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(10);
    }
    Dataset d = new Dataset(x, y, rows, 784, 1);
    TrainConfig cfg = TrainConfig.defaults(7).withEpochs(1).withBatch(b).withThreads(threads)
        .withOptimizer(OptimizerConfig.defaults(opt), opt.equals("sgd") ? 0.01f : 1e-4f);
    try (Trainer t = new Trainer(spec, cfg)) {
      Weights ps = t.initialise();
      // PyTorch's rate is in steps (one batch each), sparkprop's in epochs.
      double[][][] res = alternate(() -> t.fit(d, null, ps.params(), ps.state(), null),
          "train " + opt + " " + b, slice, pairs);
      for (int p = 1; p < res.length; p++) {
        for (int i = 0; i < pairs; i++) {
          res[p][0][i] /= EPOCH_BATCHES;
        }
      }
      return String.format(Locale.ROOT, "    {\"what\": \"train step (%s)\", \"batch\": %d, "
          + "\"threads\": %d, %s}", opt, b, threads, fields(res, rows, "samples_per_s"));
    }
  }
}
