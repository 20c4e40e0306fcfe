package org.sparkprop.trainer.optim;

import java.util.List;

/**
 * An update rule over the flat parameter array. Call order: construct (state sized to the
 * layout), then {@link #step} once per minibatch with t = 1, 2, ….
 *
 * <p>Conventions follow PyTorch's torch.optim (the docs give each update exactly): g is the
 * gradient of the <i>mean</i> loss (the caller divides the summed gradient once and adds any L2
 * term), lr comes from the schedule each step.
 */
public interface Optimizer {
  /** Updates p[0..n) in place from g. t is the 1-based step number. */
  default void step(float[] p, float[] g, long t, float lr) {
    step(p, g, t, lr, 0, p.length);
  }

  /**
   * Updates p[from..to) and the state there only, each element with the same bits as a step
   * over the whole array: a worker that owns a shard of the parameters steps its shard.
   */
  void step(float[] p, float[] g, long t, float lr, int from, int to);

  /** The state arrays (same layout as p), e.g. [m, v]; checkpointed and restored as-is. */
  List<float[]> state();

  String name();

  /** Builds the optimizer named in the config for n parameters. */
  static Optimizer create(OptimizerConfig c, int n, int[] decayRanges) {
    switch (c.name()) {
      case "sgd": return new Sgd();
      case "momentum": return new Momentum(n, c.momentum(), false);
      case "nesterov": return new Momentum(n, c.momentum(), true);
      case "adagrad": return new AdaGrad(n, c.eps());
      case "rmsprop": return new RmsProp(n, c.rho(), c.eps());
      case "adam": return new Adam(n, c.beta1(), c.beta2(), c.eps(), 0, decayRanges);
      case "adamw": return new Adam(n, c.beta1(), c.beta2(), c.eps(), c.weightDecay(), decayRanges);
      default: throw new IllegalArgumentException("unknown optimizer '" + c.name() + "'");
    }
  }
}
