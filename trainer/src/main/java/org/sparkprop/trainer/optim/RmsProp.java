package org.sparkprop.trainer.optim;

import java.util.List;

/** RMSProp (Hinton, lecture 6e): v ← ρ·v + (1−ρ)·g²; p ← p − lr·g/(√v + ε). */
public final class RmsProp implements Optimizer {
  private final float rho;
  private final float eps;
  private final float[] v;

  public RmsProp(int n, float rho, float eps) {
    this.rho = rho;
    this.eps = eps;
    this.v = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr) {
    for (int i = 0; i < p.length; i++) {
      float gi = g[i];
      v[i] = rho * v[i] + (1 - rho) * gi * gi;
      p[i] -= lr * gi / ((float) Math.sqrt(v[i]) + eps);
    }
  }

  @Override
  public List<float[]> state() {
    return List.of(v);
  }

  @Override
  public String name() {
    return "rmsprop";
  }
}
