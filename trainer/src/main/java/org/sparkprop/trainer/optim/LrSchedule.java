package org.sparkprop.trainer.optim;

import java.io.Serializable;
import java.util.Locale;

/**
 * Learning rate per step: an optional linear warm-up over the first {@code warmupSteps} steps
 * (lr·(t+1)/warmup), then a decay over the remaining steps:
 * <ul>
 *   <li>constant: lr</li>
 *   <li>step: lr·γ^⌊t/stepEvery⌋</li>
 *   <li>exponential: lr·γ^(t/stepEvery) (smooth)</li>
 *   <li>cosine: minLr + (lr − minLr)·(1 + cos(π·t/T))/2 over the T decay steps
 *       (Loshchilov and Hutter 2017, without restarts)</li>
 * </ul>
 * t counts steps after the warm-up, from 0.
 */
public record LrSchedule(String kind, long warmupSteps, long stepEvery, double gamma,
    double minLrFactor) implements Serializable {

  public LrSchedule {
    kind = kind.trim().toLowerCase(Locale.ROOT);
    switch (kind) {
      case "constant": case "step": case "exponential": case "cosine": break;
      default:
        throw new IllegalArgumentException("unknown schedule '" + kind
            + "' (constant, step, exponential, cosine)");
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warm-up steps must be ≥ 0");
    }
    if ((kind.equals("step") || kind.equals("exponential")) && (stepEvery <= 0 || !(gamma > 0))) {
      throw new IllegalArgumentException(kind + " schedule needs stepEvery > 0 and gamma > 0");
    }
    if (!(minLrFactor >= 0 && minLrFactor <= 1)) {
      throw new IllegalArgumentException("minimum lr factor must be in [0, 1]");
    }
  }

  public static LrSchedule constant() {
    return new LrSchedule("constant", 0, 1, 1, 0);
  }

  public LrSchedule withWarmup(long steps) {
    return new LrSchedule(kind, steps, stepEvery, gamma, minLrFactor);
  }

  /** The learning rate of 0-based step {@code step} of {@code totalSteps}. */
  public float lr(float base, long step, long totalSteps) {
    if (step < warmupSteps) {
      return base * (step + 1) / warmupSteps;
    }
    long t = step - warmupSteps;
    long span = Math.max(1, totalSteps - warmupSteps);
    switch (kind) {
      case "step": return (float) (base * Math.pow(gamma, t / stepEvery));
      case "exponential": return (float) (base * Math.pow(gamma, (double) t / stepEvery));
      case "cosine": {
        double min = base * minLrFactor;
        double f = Math.min(1.0, (double) t / span);
        return (float) (min + (base - min) * (1 + Math.cos(Math.PI * f)) / 2);
      }
      default: return base;
    }
  }
}
