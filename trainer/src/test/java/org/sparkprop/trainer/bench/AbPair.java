package org.sparkprop.trainer.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bin/bench-ab's measurement: two builds of the trainer in one JVM, a class loader each, every
 * {@link AbWorkloads} workload alternated between them in short slices (old, new, new, old, …),
 * so that both builds see the same machine. This VM's speed drifts by up to 1.7× over seconds
 * (a single JVM's GEMM went 64 → 100 → 64 GFLOP/s within 30 s), which made one-JVM-per-build
 * comparisons (the earlier bench-ab) swing from 0.81 to 1.61 for a build against itself; slices
 * of 60 ms measured side by side put the same build against itself at median ratios 0.97–1.06
 * (9 workloads, 20 pairs each).
 *
 * <p>Caveat: the two builds share the JDK's Vector API classes and their type profiles. A build
 * that creates vectors of a second float shape (before 7d7ebb4: the dropout mask, the sum of
 * squares) can cost the other build's kernels their intrinsics too; against 067b6fd the same
 * comparison gave forward + backward ratios of 1.23–1.26 in one run and 1.76–2.04 in another.
 * Compare builds that both keep to one shape, and repeat a run before trusting it. Even with one
 * shape the shared profiles can bias a comparison: a change to the micro-kernels' prologue
 * (tiles of non-accumulating products starting from zero) measured tn, whose code path it did
 * not change, at 1.23–1.34× when the nn and nt workloads ran before it in the same JVM, and at
 * 0.94–0.99× with tn alone. Check a surprising ratio with that workload alone ({@code regex}).
 *
 * <p>Usage: AbPair OLD_CLASSES NEW_CLASSES TEST_CLASSES [pairs] [workload regex]; prints JSON.
 */
public final class AbPair {
  private static final double SLICE_S = 0.06;

  private AbPair() {}

  /** AbWorkloads of one build, in a class loader of its own. */
  private static Class<?> workloads(String classes, String tests) throws Exception {
    URL[] urls = {Paths.get(classes).toUri().toURL(), Paths.get(tests).toUri().toURL()};
    ClassLoader l = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    return l.loadClass(AbWorkloads.class.getName());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Runnable> bodies(Class<?> w) throws Exception {
    return (Map<String, Runnable>) w.getMethod("bodies").invoke(null);
  }

  public static void main(String[] args) throws Exception {
    Class<?> oldClass = workloads(args[0], args[2]);
    Map<String, Runnable> old = bodies(oldClass);
    Map<String, Runnable> nu = bodies(workloads(args[1], args[2]));
    int pairs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    String only = args.length > 4 ? args[4] : ".*";
    List<String> rows = new ArrayList<>();
    for (String k : old.keySet()) {
      if (!k.matches(only)) {
        continue;
      }
      Runnable x = old.get(k);
      Runnable y = nu.get(k);
      for (int w = 0; w < 6; w++) { // warm-up: both builds compiled before anything counts
        Rates.wall(x, 2 * SLICE_S);
        Rates.wall(y, 2 * SLICE_S);
      }
      double[] ro = new double[pairs];
      double[] rn = new double[pairs];
      double[] q = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        if (i % 2 == 0) {
          ro[i] = Rates.wall(x, SLICE_S);
          rn[i] = Rates.wall(y, SLICE_S);
        } else {
          rn[i] = Rates.wall(y, SLICE_S);
          ro[i] = Rates.wall(x, SLICE_S);
        }
        q[i] = rn[i] / ro[i];
      }
      double u = (Double) oldClass.getMethod("units", String.class).invoke(null, k);
      boolean step = k.startsWith("fwdbwd");
      boolean update = k.startsWith("update");
      double scale = step || update ? u : u / 1e9;
      double[] qs = q.clone();
      Arrays.sort(qs);
      rows.add(String.format(Locale.ROOT, "    {\"workload\": \"%s\", \"unit\": \"%s\", "
          + "\"old_median\": %.1f, \"new_median\": %.1f, \"new_over_old_median\": %.3f, "
          + "\"new_over_old_iqr\": [%.3f, %.3f]}", k,
          step ? "samples_per_s" : update ? "steps_per_s" : "gflops",
          Rates.median(ro) * scale, Rates.median(rn) * scale, Rates.median(q),
          qs[pairs / 4], qs[(3 * pairs) / 4]));
    }
    System.out.println("{\n  \"pairs\": " + pairs + ", \"slice_ms\": " + Math.round(SLICE_S * 1000)
        + ",\n  \"results\": [\n" + String.join(",\n", rows) + "\n  ]\n}");
  }
}
