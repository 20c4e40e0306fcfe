package org.sparkprop.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;

/**
 * Central finite differences in float32: eps 1e-3, and an element passes when
 * |analytic − numeric| ≤ 1e-2·max(|analytic|, |numeric|) + 1e-3 (absolute floor for near-zero
 * derivatives, where float32 rounding dominates).
 */
public final class GradCheck {
  private GradCheck() {}

  /** Checks analytic[i] against d f / d x[i] for every i, f evaluated with x perturbed. */
  public static void check(String what, float[] x, float[] analytic, DoubleSupplier f) {
    double eps = 1e-3;
    int bad = 0;
    StringBuilder msg = new StringBuilder();
    for (int i = 0; i < x.length; i++) {
      float orig = x[i];
      x[i] = (float) (orig + eps);
      double up = f.getAsDouble();
      x[i] = (float) (orig - eps);
      double down = f.getAsDouble();
      x[i] = orig;
      double num = (up - down) / (2 * eps);
      double err = Math.abs(analytic[i] - num);
      double tol = 1e-2 * Math.max(Math.abs(analytic[i]), Math.abs(num)) + 1e-3;
      if (err > tol) {
        if (bad++ < 5) {
          msg.append(String.format(" [%d] analytic %.6f numeric %.6f;", i, analytic[i], num));
        }
      }
    }
    assertTrue(bad == 0, what + ": " + bad + " of " + x.length + " derivatives off:" + msg);
  }
}
