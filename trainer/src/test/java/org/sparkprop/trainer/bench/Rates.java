package org.sparkprop.trainer.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/** The benchmarks' inputs and timing loop: calls per second of a body, by wall clock or thread CPU time. */
final class Rates {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Rates() {}

  /** Calls per wall-clock second, run for about {@code seconds}. */
  static double wall(Runnable body, double seconds) {
    return rate(body, seconds, System::nanoTime);
  }

  /**
   * Calls per CPU-second of the calling thread, run for about {@code seconds} of CPU time: it
   * leaves out the time the VM's scheduler takes the CPU away.
   */
  static double cpu(Runnable body, double seconds) {
    return rate(body, seconds, THREADS::getCurrentThreadCpuTime);
  }

  private static double rate(Runnable body, double seconds, LongSupplier clock) {
    long t0 = clock.getAsLong();
    long calls = 0;
    long el;
    do {
      body.run();
      calls++;
      el = clock.getAsLong() - t0;
    } while (el < seconds * 1e9);
    return calls / (el / 1e9);
  }

  /** n uniform floats in [-0.5, 0.5): benchmark inputs. */
  static float[] uniform(java.util.SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble() - 0.5f;
    }
    return x;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
