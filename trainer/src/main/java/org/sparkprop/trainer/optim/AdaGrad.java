package org.sparkprop.trainer.optim;

import java.util.List;
import org.sparkprop.trainer.kernel.Elementwise;
import org.sparkprop.trainer.kernel.Kernels;

/** AdaGrad (Duchi et al. 2011): h ← h + g²; p ← p − lr·g/(√h + ε). */
public final class AdaGrad implements Optimizer {
  private static final Elementwise EW = Kernels.elementwise();
  private final float eps;
  private final float[] h;

  public AdaGrad(int n, float eps) {
    this.eps = eps;
    this.h = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr, int from, int to) {
    EW.rms(p, g, h, from, to, 1f, 1f, lr, eps);
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
