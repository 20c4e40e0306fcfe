package org.sparkprop.trainer.optim;

import java.util.List;

/** AdaGrad (Duchi et al. 2011): h ← h + g²; p ← p − lr·g/(√h + ε). */
public final class AdaGrad implements Optimizer {
  private final float eps;
  private final float[] h;

  public AdaGrad(int n, float eps) {
    this.eps = eps;
    this.h = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr) {
    for (int i = 0; i < p.length; i++) {
      float gi = g[i];
      h[i] += gi * gi;
      p[i] -= lr * gi / ((float) Math.sqrt(h[i]) + eps);
    }
  }

  @Override
  public List<float[]> state() {
    return List.of(h);
  }

  @Override
  public String name() {
    return "adagrad";
  }
}
