package org.sparkprop.trainer.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The benchmarks' inputs and timing loop: calls per wall-clock second of a body. */
final class Rates {
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Rates() {}

  /** CPU nanoseconds used by this process so far (all threads: workers, JIT, GC). */
  static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }

  /** Calls per wall-clock second, run for about {@code seconds}. */
  static double wall(Runnable body, double seconds) {
    long t0 = System.nanoTime();
    long calls = 0;
    long el;
    do {
      body.run();
      calls++;
      el = System.nanoTime() - t0;
    } while (el < seconds * 1e9);
    return calls / (el / 1e9);
  }

  /** n uniform floats in [-0.5, 0.5): benchmark inputs. */
  static float[] uniform(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble() - 0.5f;
    }
    return x;
  }

  /** n class labels in [0, 10), as floats: benchmark targets. */
  static float[] classes(SplittableRandom r, int n) {
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
    }
    return y;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
