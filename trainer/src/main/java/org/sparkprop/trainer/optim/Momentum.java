package org.sparkprop.trainer.optim;

import java.util.List;

/**
 * Heavy-ball momentum and Nesterov's variant, in PyTorch's form (torch.optim.SGD):
 * vel ← μ·vel + g; p ← p − lr·vel, or with Nesterov p ← p − lr·(g + μ·vel).
 */
public final class Momentum implements Optimizer {
  private final float mu;
  private final boolean nesterov;
  private final float[] vel;

  public Momentum(int n, float mu, boolean nesterov) {
    this.mu = mu;
    this.nesterov = nesterov;
    this.vel = new float[n];
  }

  @Override
  public void step(float[] p, float[] g, long t, float lr, int from, int to) {
    final float mu = this.mu;
    final float[] vel = this.vel;
    if (nesterov) {
      for (int i = from; i < to; i++) {
        float v = mu * vel[i] + g[i];
        vel[i] = v;
        p[i] -= lr * (g[i] + mu * v);
      }
    } else {
      for (int i = from; i < to; i++) {
        float v = mu * vel[i] + g[i];
        vel[i] = v;
        p[i] -= lr * v;
      }
    }
  }

  @Override
  public List<float[]> state() {
    return List.of(vel);
  }

  @Override
  public String name() {
    return nesterov ? "nesterov" : "momentum";
  }
}
