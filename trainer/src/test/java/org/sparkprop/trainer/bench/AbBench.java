package org.sparkprop.trainer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One side of bin/bench-ab: measures every {@link AbWorkloads} workload of the trainer classes
 * on its class path (warm-up, then a CPU-time measurement) and prints one JSON object of rates
 * (GFLOP/s for products, samples per CPU-second for training steps). bin/bench-ab runs it
 * alternately on two builds, one JVM each, and takes the median of the per-round ratios: two
 * builds in one JVM (a class loader each) were tried and rejected, because the JIT treated the
 * two copies of identical code differently (up to 1.8× apart).
 *
 * <p>Usage: AbBench [seconds per measurement]
 */
public final class AbBench {
  private AbBench() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 0.8;
    Map<String, Runnable> bodies = AbWorkloads.bodies();
    for (Runnable b : bodies.values()) {
      AbWorkloads.rate(b, 0.5);
    }
    List<String> rows = new ArrayList<>();
    for (Map.Entry<String, Runnable> e : bodies.entrySet()) {
      double u = AbWorkloads.units(e.getKey());
      double r = AbWorkloads.rate(e.getValue(), seconds) * u;
      rows.add(String.format(Locale.ROOT, "\"%s\": %.1f", e.getKey(),
          e.getKey().startsWith("fwdbwd") ? r : r / 1e9));
    }
    System.out.println("{" + String.join(", ", rows) + "}");
  }
}
