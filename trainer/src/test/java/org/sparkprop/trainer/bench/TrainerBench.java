package org.sparkprop.trainer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.TrainConfig;
import org.sparkprop.trainer.train.Trainer;

/**
 * Kernel and training throughput of a 784-256-128-10 ReLU network, printed as JSON on stdout:
 * GFLOP/s of every matrix product the network runs (2·M·N·K flops), and training samples/s
 * (forward + backward, and with an SGD or Adam step) at batch 128 and 512 on 1 and 2 threads.
 * Each figure is the median of repeated timed runs after a warm-up. Run with
 * {@code bin/bench-trainer} (which also runs the PyTorch baseline beside it).
 */
public final class TrainerBench {
  private static final int REPEATS = 7;

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.4;
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"kernel\": \"").append(Kernels.newGemm().name()).append("\",\n");
    json.append("  \"java\": \"").append(System.getProperty("java.version")).append("\",\n");
    json.append("  \"repeats\": ").append(REPEATS).append(",\n");
    json.append("  \"gemm\": [\n");
    List<String> rows = new ArrayList<>();
    for (String kind : Kernels.vectorAvailable() ? new String[] {"vector", "java"}
        : new String[] {"java"}) {
      Gemm g = Kernels.newGemm(kind);
      for (int b : new int[] {128, 512}) {
        int[][] layers = {{784, 256}, {256, 128}, {128, 10}};
        for (int[] l : layers) {
          rows.add(gemmRow(g, kind, "nn", "forward x·W", b, l[1], l[0], seconds));
          rows.add(gemmRow(g, kind, "tn", "weight grad xᵀ·dz", l[0], l[1], b, seconds));
          if (l[0] != 784) {
            rows.add(gemmRow(g, kind, "nt", "input grad dz·Wᵀ", b, l[0], l[1], seconds));
          }
        }
      }
    }
    json.append(String.join(",\n", rows)).append("\n  ],\n  \"training\": [\n");
    rows.clear();
    MlpSpec spec = MlpSpec.of("784-256-128-10", "relu", "softmax_ce");
    for (int b : new int[] {128, 512}) {
      rows.add(fwdBwdRow(spec, b, seconds));
      for (String opt : new String[] {"sgd", "adam"}) {
        for (int threads : new int[] {1, 2}) {
          rows.add(trainRow(spec, b, threads, opt, seconds));
        }
      }
    }
    json.append(String.join(",\n", rows)).append("\n  ]\n}");
    System.out.println(json);
  }

  /**
   * {median calls per second of REPEATS timed runs after a warm-up, the process's CPU seconds
   * per wall second over the timed runs (how many cores it kept busy)}.
   */
  private static double[] medianRate(Runnable body, double seconds) {
    Rates.wall(body, seconds); // warm-up: JIT compilation
    double[] r = new double[REPEATS];
    long cpu0 = Rates.processCpuNanos();
    long t0 = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) {
      r[i] = Rates.wall(body, seconds / 2);
    }
    double cpuPerWall = (double) (Rates.processCpuNanos() - cpu0) / (System.nanoTime() - t0);
    return new double[] {Rates.median(r), cpuPerWall};
  }

  private static String gemmRow(Gemm g, String kind, String layout, String role, int m, int n,
      int k, double seconds) {
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
    double calls = medianRate(body, seconds / 4)[0];
    return String.format(Locale.ROOT, "    {\"kernel\": \"%s\", \"layout\": \"%s\", \"role\": \"%s\", "
        + "\"m\": %d, \"n\": %d, \"k\": %d, \"gflops\": %.1f}", kind, layout, role, m, n, k,
        calls * 2.0 * m * n * k / 1e9);
  }

  private static String fwdBwdRow(MlpSpec spec, int b, double seconds) {
    Mlp mlp = new Mlp(spec, b);
    float[][] ps = mlp.initialise(1);
    SplittableRandom r = new SplittableRandom(234);
    float[] x = Rates.uniform(r, b * 784);
    float[] y = new float[b];
    for (int i = 0; i < b; i++) {
      y[i] = r.nextInt(10);
    }
    float[] g = new float[mlp.paramCount()];
    double[] steps = medianRate(() -> {
      Arrays.fill(g, 0f);
      mlp.lossAndGrad(ps[0], ps[1], x, y, b, g);
    }, seconds);
    return String.format(Locale.ROOT, "    {\"what\": \"forward+backward\", \"batch\": %d, "
        + "\"threads\": 1, \"samples_per_s\": %.0f, \"gflops\": %.1f, \"cpu_per_wall\": %.2f}",
        b, steps[0] * b, steps[0] * b * 1_007_104 / 1e9, steps[1]);
  }

  private static String trainRow(MlpSpec spec, int b, int threads, String opt, double seconds) {
    // A synthetic epoch of 16 batches: measures the full step (gather, forward, backward,
    // reduce, optimizer) through the Trainer, as training runs it.
    int rows = b * 16;
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
      float[][] ps = t.initialise();
      double[] epochs = medianRate(() -> t.fit(d, null, ps[0], ps[1], null), seconds);
      return String.format(Locale.ROOT, "    {\"what\": \"train step (%s)\", \"batch\": %d, "
          + "\"threads\": %d, \"samples_per_s\": %.0f, \"cpu_per_wall\": %.2f}", opt, b, threads,
          epochs[0] * rows, epochs[1]);
    }
  }

}
