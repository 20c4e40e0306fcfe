package org.sparkprop.trainer.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;

/**
 * How fast a fresh JVM's training step comes up to speed: the seconds from the first forward
 * and backward pass of the default model (784-512-256-10, ReLU, batch norm, dropout 0.3; 128
 * rows) to the end of pass 1, 10, 50, 100, 200 and 400, then the steady milliseconds per pass
 * over 100 more. One JSON line on stdout; bin/bench-warmup runs it in fresh JVMs with and
 * without the early-compile flags, alternated. Until C2 has compiled it, the Vector API kernel
 * runs in its Java fallback, so the first passes show what the JIT costs a first epoch.
 *
 * <p>Usage: WarmupBench (no arguments).
 */
public final class WarmupBench {
  private static final int[] MARKS = {1, 10, 50, 100, 200, 400};

  private WarmupBench() {}

  public static void main(String[] args) {
    MlpSpec spec = MlpSpec.of("784-512-256-10", "relu", "softmax_ce").withDropout(0.3)
        .withBatchNorm(true);
    int b = 128;
    Mlp mlp = new Mlp(spec, b);
    Weights w = mlp.initialise(1);
    SplittableRandom r = new SplittableRandom(234);
    float[] x = Rates.uniform(r, b * 784);
    float[] y = Rates.classes(r, b);
    float[] g = new float[mlp.paramCount()];
    StringBuilder marks = new StringBuilder();
    long t0 = System.nanoTime();
    for (int s = 1, m = 0; m < MARKS.length; s++) {
      mlp.lossAndGrad(w.params(), w.state(), x, y, b, g, false);
      if (s == MARKS[m]) {
        marks.append(m == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\"%d\": %.3f", s,
            (System.nanoTime() - t0) / 1e9));
        m++;
      }
    }
    long t1 = System.nanoTime();
    for (int s = 0; s < 100; s++) {
      mlp.lossAndGrad(w.params(), w.state(), x, y, b, g, false);
    }
    System.out.printf(Locale.ROOT, "{\"seconds_after_pass\": {%s}, \"steady_ms_per_pass\": "
        + "%.3f}%n", marks, (System.nanoTime() - t1) / 1e6 / 100);
  }
}
