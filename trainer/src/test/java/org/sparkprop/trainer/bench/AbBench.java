package org.sparkprop.trainer.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Side-by-side A/B of two builds of the trainer in one JVM: each build's classes in its own
 * class loader, the same workloads ({@link AbWorkloads}) measured alternately, old then new,
 * ROUNDS times; per workload the median of the per-round ratios new/old and both builds'
 * median rates, as JSON (the first build measured alternates between rounds). On this VM single timings drift by ±50 % within minutes, while
 * alternating short CPU-time measurements agree to about ±9 % (old against itself).
 *
 * <p>Usage: AbBench OLD_CLASSES_DIR NEW_CLASSES_DIR TEST_CLASSES_DIR [rounds] [seconds]
 * (bin/bench-ab builds the old classes from a git revision).
 */
public final class AbBench {
  private AbBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 11;
    double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 0.15;
    Object[] bodies = new Object[2];
    Method[] rate = new Method[2];
    List<String> names = null;
    for (int v = 0; v < 2; v++) {
      URL[] urls = {Path.of(args[v]).toUri().toURL(), Path.of(args[2]).toUri().toURL()};
      ClassLoader cl = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
      Class<?> w = cl.loadClass(AbWorkloads.class.getName());
      bodies[v] = w.getMethod("bodies").invoke(null);
      rate[v] = w.getMethod("rate", Runnable.class, double.class);
      if (names == null) {
        names = new ArrayList<>(((Map<?, ?>) bodies[v]).keySet().stream().map(Object::toString)
            .toList());
      }
    }
    // Warm-up: every body compiled in both builds.
    for (int v = 0; v < 2; v++) {
      for (String n : names) {
        rate[v].invoke(null, ((Map<?, ?>) bodies[v]).get(n), 0.4);
      }
    }
    StringBuilder json = new StringBuilder("{\n  \"rounds\": " + rounds + ",\n  \"results\": [\n");
    List<String> rows = new ArrayList<>();
    for (String n : names) {
      double[] ratio = new double[rounds];
      double[] olds = new double[rounds];
      double[] news = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        // Alternate which build goes first, so a drift within a round favours neither.
        if (r % 2 == 0) {
          olds[r] = (double) rate[0].invoke(null, ((Map<?, ?>) bodies[0]).get(n), seconds);
          news[r] = (double) rate[1].invoke(null, ((Map<?, ?>) bodies[1]).get(n), seconds);
        } else {
          news[r] = (double) rate[1].invoke(null, ((Map<?, ?>) bodies[1]).get(n), seconds);
          olds[r] = (double) rate[0].invoke(null, ((Map<?, ?>) bodies[0]).get(n), seconds);
        }
        ratio[r] = news[r] / olds[r];
      }
      double u = AbWorkloads.units(n);
      String unit = n.startsWith("fwdbwd") ? "samples_per_cpu_s" : "gflops";
      double scale = n.startsWith("fwdbwd") ? u : u / 1e9;
      rows.add(String.format(Locale.ROOT, "    {\"workload\": \"%s\", \"old_%s\": %.1f, "
          + "\"new_%s\": %.1f, \"new_over_old_median\": %.3f, \"new_over_old_range\": "
          + "[%.3f, %.3f]}", n, unit, median(olds) * scale, unit, median(news) * scale,
          median(ratio), min(ratio), max(ratio)));
    }
    json.append(String.join(",\n", rows)).append("\n  ]\n}");
    System.out.println(json);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
