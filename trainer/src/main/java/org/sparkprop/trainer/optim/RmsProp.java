package org.sparkprop.trainer.optim;

import java.util.List;
import org.sparkprop.trainer.kernel.Elementwise;
import org.sparkprop.trainer.kernel.Kernels;

/** RMSProp (Hinton, lecture 6e): v ← ρ·v + (1−ρ)·g²; p ← p − lr·g/(√v + ε). */
public final class RmsProp implements Optimizer {
  private static final Elementwise EW = Kernels.elementwise();
  private final float rho;
  private final float eps;
  private final float[] v;

  public RmsProp(int n, float rho, float eps) {
    this.rho = rho;
    this.eps = eps;
    this.v = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr, int from, int to) {
    EW.rms(p, g, v, from, to, rho, 1 - rho, lr, eps);
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
