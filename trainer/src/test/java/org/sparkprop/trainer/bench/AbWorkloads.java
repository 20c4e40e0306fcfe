package org.sparkprop.trainer.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * The workloads {@link AbPair} compares: loaded once per version of the trainer classes (a
 * class loader each), so it may only use API that both versions have.
 */
public final class AbWorkloads {
  private AbWorkloads() {}

  /** name → body; work units per call in {@link #units}. */
  public static Map<String, Runnable> bodies() {
    Map<String, Runnable> out = new LinkedHashMap<>();
    Gemm g = Kernels.newGemm();
    SplittableRandom r = new SplittableRandom(1);
    int[][] shapes = {{128, 256, 784, 0}, {784, 256, 128, 2}, {512, 256, 784, 0},
        {784, 256, 512, 2}, {512, 256, 128, 1}, {128, 10, 128, 0}};
    for (int[] s : shapes) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] a = Rates.uniform(r, m * k);
      float[] b = Rates.uniform(r, k * n);
      float[] c = new float[m * n];
      String name = new String[] {"nn", "nt", "tn"}[s[3]] + "_" + m + "x" + n + "x" + k;
      out.put(name, s[3] == 0 ? () -> g.nn(m, n, k, a, 0, b, 0, c, 0, false)
          : s[3] == 1 ? () -> g.nt(m, n, k, a, 0, b, 0, c, 0, false)
          : () -> g.tn(m, n, k, a, 0, b, 0, c, 0, true));
    }
    MlpSpec plain = MlpSpec.of("784-256-128-10", "relu", "softmax_ce");
    MlpSpec deflt = MlpSpec.of("784-512-256-10", "relu", "softmax_ce").withDropout(0.3)
        .withBatchNorm(true);
    out.put("fwdbwd_784-256-128-10_b128", step(plain, 128, r));
    out.put("fwdbwd_784-256-128-10_b512", step(plain, 512, r));
    out.put("fwdbwd_default_net_b128", step(deflt, 128, r));
    return out;
  }

  /** Work units per call: FLOPs for products, samples for steps. */
  public static double units(String name) {
    if (name.startsWith("fwdbwd")) {
      return Integer.parseInt(name.substring(name.lastIndexOf("_b") + 2));
    }
    String[] d = name.substring(3).split("x");
    return 2.0 * Integer.parseInt(d[0]) * Integer.parseInt(d[1]) * Integer.parseInt(d[2]);
  }

  private static Runnable step(MlpSpec spec, int b, SplittableRandom r) {
    Mlp mlp = new Mlp(spec, b);
    // Parameters drawn here, not by Mlp.initialise, whose return type differs between
    // revisions: this class runs against older builds too.
    float[] p = Rates.uniform(r, mlp.paramCount());
    float[] s = new float[mlp.stateLayout().total()];
    float[] x = Rates.uniform(r, b * 784);
    float[] y = new float[b];
    for (int i = 0; i < b; i++) {
      y[i] = r.nextInt(10);
    }
    float[] g = new float[mlp.paramCount()];
    long[] step = {0};
    return () -> {
      Arrays.fill(g, 0f);
      mlp.setDropoutSeed(step[0]++);
      mlp.lossAndGrad(p, s, x, y, b, g);
    };
  }
}
