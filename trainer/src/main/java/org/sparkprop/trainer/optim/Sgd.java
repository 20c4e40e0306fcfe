package org.sparkprop.trainer.optim;

import java.util.List;

/** Plain stochastic gradient descent: p ← p − lr·g. */
public final class Sgd implements Optimizer {
  @Override
  public void step(float[] p, float[] g, long t, float lr, int from, int to) {
    for (int i = from; i < to; i++) {
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
