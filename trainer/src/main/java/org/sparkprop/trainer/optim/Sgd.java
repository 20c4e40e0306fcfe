package org.sparkprop.trainer.optim;

import java.util.List;

/** Plain stochastic gradient descent: p ← p − lr·g. */
public final class Sgd implements Optimizer {
  @Override
  public void step(float[] p, float[] g, long t, float lr) {
    for (int i = 0; i < p.length; i++) {
      p[i] -= lr * g[i];
    }
  }

  @Override
  public List<float[]> state() {
    return List.of();
  }

  @Override
  public String name() {
    return "sgd";
  }
}
