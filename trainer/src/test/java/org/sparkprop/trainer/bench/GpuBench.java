package org.sparkprop.trainer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkprop.trainer.gpu.Gpu;
import org.sparkprop.trainer.gpu.GpuMlp;
import org.sparkprop.trainer.model.GradientEngine;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;

/**
 * Training throughput of 784-256-128-10 (ReLU, softmax cross-entropy) on the GPU engine and
 * the CPU engine (one thread), batch 128, 512 and 4096, run alternately in one process; one
 * step = parameters and minibatch to the engine, forward + backward, gradient sum back, Adam
 * on the host (as a Spark worker does it). Prints JSON: per engine and batch the median
 * samples/s, and the GPU/CPU ratio. Without a usable GPU it says why and measures the CPU.
 * Usage: bin/bench-gpu [seconds per measurement]
 */
public final class GpuBench {
  private GpuBench() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
    MlpSpec spec = MlpSpec.of("784-256-128-10", "relu", "softmax_ce");
    Gpu.Probe probe = Gpu.probe(0);
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT, "  \"network\": \"%s\",\n  \"gpu\": {\"usable\": %s, "
        + "\"device\": \"%s\", \"reason\": \"%s\"},\n  \"rows\": [\n", spec.arch(),
        probe.usable(), esc(probe.description()), esc(probe.reason())));
    List<String> rows = new ArrayList<>();
    for (int b : new int[] {128, 512, 4096}) {
      double cpu = rate(new Mlp(spec, b), spec, b, seconds);
      String row = String.format(Locale.ROOT, "    {\"batch\": %d, \"cpu_1thread_samples_per_s\": "
          + "%.0f", b, cpu);
      if (probe.usable()) {
        try (GpuMlp g = new GpuMlp(spec, b, 0)) {
          double gpu = rate(g, spec, b, seconds);
          row += String.format(Locale.ROOT, ", \"gpu_samples_per_s\": %.0f, \"gpu_over_cpu\": "
              + "%.2f", gpu, gpu / cpu);
        }
      }
      rows.add(row + "}");
    }
    json.append(String.join(",\n", rows)).append("\n  ]\n}");
    System.out.println(json);
  }

  private static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Median samples/s over 5 measurements after a warm-up. */
  private static double rate(GradientEngine e, MlpSpec spec, int b, double seconds) {
    SplittableRandom r = new SplittableRandom(234);
    float[] x = Rates.uniform(r, b * 784);
    float[] y = Rates.classes(r, b);
    Weights ps = new Mlp(spec, 1).initialise(1);
    int n = ps.params().length;
    float[] g = new float[n];
    TrainConfig cfg = TrainConfig.defaults(1);
    int[] decay = e.paramLayout().decayRanges();
    StepUpdate update = new StepUpdate(cfg, Optimizer.create(OptimizerConfig.defaults("adam"),
        n, decay), decay, n);
    long[] step = {0};
    Runnable body = () -> {
      Arrays.fill(g, 0f);
      double loss = e.lossAndGrad(ps.params(), ps.state(), x, y, b, g);
      float inv = 1f / b;
      for (int i = 0; i < n; i++) {
        g[i] *= inv;
      }
      update.apply(ps.params(), g, loss / b, ++step[0], 1_000_000, 1);
    };
    Rates.wall(body, seconds);
    double[] v = new double[5];
    for (int i = 0; i < v.length; i++) {
      v[i] = Rates.wall(body, seconds) * b;
    }
    return Rates.median(v);
  }
}
