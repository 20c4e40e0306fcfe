package org.sparkprop.trainer.optim;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An optimizer and its hyper-parameters (the learning rate lives in the schedule).
 * {@code weightDecay} is AdamW's decoupled decay; coupled L2 is the trainer's {@code l2}.
 */
public record OptimizerConfig(String name, float momentum, float beta1, float beta2, float eps,
    float rho, float weightDecay) implements Serializable {
  public static final Set<String> NAMES =
      Set.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw");

  public OptimizerConfig {
    name = name.trim().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown optimizer '" + name + "' (" + String.join(", ",
          new TreeSet<>(NAMES)) + ")");
    }
    check("momentum", momentum, 0, 1, true);
    check("beta1", beta1, 0, 1, true);
    check("beta2", beta2, 0, 1, true);
    check("rho", rho, 0, 1, true);
    if (!(eps > 0)) {
      throw new IllegalArgumentException("eps must be > 0, got " + eps);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
    }
  }

  private static void check(String what, float v, float lo, float hi, boolean openHi) {
    if (!(v >= lo && (openHi ? v < hi : v <= hi))) {
      throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hi + "), got " + v);
    }
  }

  /** PyTorch's defaults: momentum 0.9, betas (0.9, 0.999), eps 1e-8, rho 0.99, decay 0.01. */
  public static OptimizerConfig defaults(String name) {
    return new OptimizerConfig(name, 0.9f, 0.9f, 0.999f, 1e-8f, 0.99f,
        "adamw".equalsIgnoreCase(name.trim()) ? 0.01f : 0f);
  }

  public OptimizerConfig withMomentum(float m) {
    return new OptimizerConfig(name, m, beta1, beta2, eps, rho, weightDecay);
  }

  public OptimizerConfig withWeightDecay(float wd) {
    return new OptimizerConfig(name, momentum, beta1, beta2, eps, rho, wd);
  }
}
