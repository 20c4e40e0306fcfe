package org.sparkprop.trainer.bench;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkprop.trainer.kernel.Gemm;
import org.sparkprop.trainer.kernel.Kernels;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.optim.Optimizer;
import org.sparkprop.trainer.optim.OptimizerConfig;
import org.sparkprop.trainer.train.StepUpdate;
import org.sparkprop.trainer.train.TrainConfig;

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
    out.put("update_default_net", update(deflt, r));
    return out;
  }

  /** Work units per call: FLOPs for products, samples for steps, 1 for an update. */
  public static double units(String name) {
    if (name.startsWith("update")) {
      return 1;
    }
    if (name.startsWith("fwdbwd")) {
      return Integer.parseInt(name.substring(name.lastIndexOf("_b") + 2));
    }
    String[] d = name.substring(3).split("x");
    return 2.0 * Integer.parseInt(d[0]) * Integer.parseInt(d[1]) * Integer.parseInt(d[2]);
  }

  /**
   * The optimizer's part of one step on the default network (AdamW, weight decay 0.01, no L2
   * or clipping), from the summed gradient: the sum made a mean, its norm, the update. With
   * the version's own StepUpdate.applySum where it has one, else as older versions take it (a
   * scaling pass, then apply).
   */
  private static Runnable update(MlpSpec spec, SplittableRandom r) {
    Mlp mlp = new Mlp(spec, 1);
    int n = mlp.paramCount();
    int[] decay = mlp.paramLayout().decayRanges();
    TrainConfig cfg = TrainConfig.defaults(1).withOptimizer(OptimizerConfig.defaults("adamw"),
        1e-3f);
    StepUpdate u = new StepUpdate(cfg, Optimizer.create(cfg.optimizer(), n, decay), decay, n);
    float[] p = Rates.uniform(r, n);
    float[] sum = Rates.uniform(r, n);
    float[] g = new float[n];
    long[] step = {0};
    Method fused;
    try {
      fused = StepUpdate.class.getMethod("applySum", float[].class, float[].class, float.class,
          double.class, long.class, long.class, int.class);
    } catch (NoSuchMethodException e) {
      fused = null;
    }
    Method applySum = fused;
    return () -> {
      System.arraycopy(sum, 0, g, 0, n);
      long t = ++step[0];
      if (applySum != null) {
        try {
          applySum.invoke(u, p, g, 1f / 128, 0.5, t, 1_000_000L, 1);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      } else {
        for (int i = 0; i < n; i++) {
          g[i] *= 1f / 128;
        }
        u.apply(p, g, 0.5, t, 1_000_000L, 1);
      }
    };
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
