package org.sparkprop.trainer.optim;

import java.util.List;
import org.sparkprop.trainer.kernel.Elementwise;
import org.sparkprop.trainer.kernel.Kernels;

/**
 * Adam (Kingma and Ba 2015) and, with weightDecay &gt; 0, AdamW (Loshchilov and Hutter 2019),
 * as torch.optim.AdamW gives it: first p ← p − lr·λ·p on the decayed slices (weights, not
 * biases), then m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr·(m/(1−β1^t)) / (√(v/(1−β2^t)) + ε).
 */
public final class Adam implements Optimizer {
  private static final Elementwise EW = Kernels.elementwise();
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private final int[] decayRanges;
  private final float[] m;
  private final float[] v;

  public Adam(int n, float beta1, float beta2, float eps, float weightDecay, int[] decayRanges) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decayRanges = decayRanges.clone();
    this.m = new float[n];
    this.v = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr, int from, int to) {
    final float b1 = beta1;
    final float b2 = beta2;
    // Bias corrections folded into the step size and ε, once per step.
    double c1 = 1 - Math.pow(b1, t);
    double c2 = 1 - Math.pow(b2, t);
    final float stepSize = (float) (lr / c1);
    final float invSqrtC2 = (float) (1 / Math.sqrt(c2));
    if (weightDecay == 0) {
      EW.adam(p, g, m, v, from, to, 1f, b1, b2, stepSize, invSqrtC2, eps);
      return;
    }
    // The decay p ← (1 − lr·λ)·p in the same pass, on the decayed slices only.
    float f = 1 - lr * weightDecay;
    int at = from;
    for (int r = 0; r < decayRanges.length; r += 2) {
      int lo = Math.max(at, decayRanges[r]);
      int hi = Math.min(to, decayRanges[r + 1]);
      if (lo >= hi) {
        continue;
      }
      if (at < lo) {
        EW.adam(p, g, m, v, at, lo, 1f, b1, b2, stepSize, invSqrtC2, eps);
      }
      EW.adam(p, g, m, v, lo, hi, f, b1, b2, stepSize, invSqrtC2, eps);
      at = hi;
    }
    if (at < to) {
      EW.adam(p, g, m, v, at, to, 1f, b1, b2, stepSize, invSqrtC2, eps);
    }
  }

  @Override
  public List<float[]> state() {
    return List.of(m, v);
  }

  @Override
  public String name() {
    return weightDecay > 0 ? "adamw" : "adam";
  }
}
