package org.sparkprop.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Two steps of every optimizer on a 3-element vector against values computed by hand. */
class OptimizerTest {
  static final float[] P0 = {1f, -2f, 0.5f};
  static final float[] G1 = {0.1f, -0.2f, 0.3f};
  static final float[] G2 = {0.2f, 0.1f, -0.3f};
  static final float LR = 0.1f;

  private static float[] twoSteps(Optimizer o) {
    float[] p = P0.clone();
    o.step(p, G1.clone(), 1, LR);
    o.step(p, G2.clone(), 2, LR);
    return p;
  }

  @Test
  void sgd() {
    // p − 0.1·g1 − 0.1·g2
    assertArrayEquals(new float[] {0.97f, -1.99f, 0.5f}, twoSteps(new Sgd()), 1e-6f);
  }

  @Test
  void momentum() {
    // v1 = g1, p1 = p0 − 0.1 g1 = (0.99, −1.98, 0.47); v2 = 0.9 g1 + g2 = (0.29, −0.08, −0.03)
    // p2 = p1 − 0.1 v2 = (0.961, −1.972, 0.473)
    assertArrayEquals(new float[] {0.961f, -1.972f, 0.473f},
        twoSteps(new Momentum(3, 0.9f, false)), 1e-6f);
  }

  @Test
  void nesterov() {
    // v1 = g1, p1 = p0 − 0.1 (g1 + 0.9 g1) = (0.981, −1.962, 0.443)
    // v2 = (0.29, −0.08, −0.03), p2 = p1 − 0.1 (g2 + 0.9 v2) = (0.9349, −1.9648, 0.4757)
    assertArrayEquals(new float[] {0.9349f, -1.9648f, 0.4757f},
        twoSteps(new Momentum(3, 0.9f, true)), 1e-6f);
  }

  @Test
  void adagrad() {
    // h1 = g1², p1 = p0 − 0.1 sign(g1) = (0.9, −1.9, 0.4)
    // h2 = (0.05, 0.05, 0.18), p2 = p1 − 0.1 g2/√h2
    float[] want = {
        (float) (0.9 - 0.1 * 0.2 / Math.sqrt(0.05)),
        (float) (-1.9 - 0.1 * 0.1 / Math.sqrt(0.05)),
        (float) (0.4 + 0.1 * 0.3 / Math.sqrt(0.18))};
    assertArrayEquals(want, twoSteps(new AdaGrad(3, 1e-10f)), 1e-5f);
  }

  @Test
  void rmsprop() {
    // v1 = 0.1 g1², p1 = p0 − 0.1 g1/√v1 = p0 − 0.1/√0.1 sign(g1)
    // v2 = 0.9 v1 + 0.1 g2²
    double[] p1 = new double[3];
    double[] want = new double[3];
    for (int i = 0; i < 3; i++) {
      double v1 = 0.1 * G1[i] * G1[i];
      p1[i] = P0[i] - 0.1 * G1[i] / Math.sqrt(v1);
      double v2 = 0.9 * v1 + 0.1 * G2[i] * G2[i];
      want[i] = p1[i] - 0.1 * G2[i] / Math.sqrt(v2);
    }
    assertArrayEquals(toFloat(want), twoSteps(new RmsProp(3, 0.9f, 1e-10f)), 1e-5f);
  }

  @Test
  void adam() {
    // Step 1: m̂ = g1, v̂ = g1², so p1 = p0 − 0.1 sign(g1) = (0.9, −1.9, 0.4).
    // Step 2: m = 0.09 g1 + 0.1 g2, v = 0.000999 g1² + 0.001 g2²,
    //         p2 = p1 − 0.1 (m/0.19) / √(v/0.001999).
    double[] want = new double[3];
    for (int i = 0; i < 3; i++) {
      double p1 = P0[i] - 0.1 * Math.signum(G1[i]);
      double m = 0.9 * 0.1 * G1[i] + 0.1 * G2[i];
      double v = 0.999 * 0.001 * G1[i] * G1[i] + 0.001 * G2[i] * G2[i];
      want[i] = p1 - 0.1 * (m / 0.19) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    }
    assertArrayEquals(toFloat(want), twoSteps(new Adam(3, 0.9f, 0.999f, 1e-8f, 0f, new int[0])),
        1e-5f);
  }

  @Test
  void adamwDecaysOnlyTheDecayedRange() {
    // Decoupled decay on elements [0, 2) only: p ← p·(1 − lr·λ) before the Adam update.
    float wd = 0.5f;
    double[] want = new double[3];
    for (int i = 0; i < 3; i++) {
      double f = i < 2 ? 1 - 0.1 * wd : 1;
      double p1 = P0[i] * f - 0.1 * Math.signum(G1[i]);
      double m = 0.9 * 0.1 * G1[i] + 0.1 * G2[i];
      double v = 0.999 * 0.001 * G1[i] * G1[i] + 0.001 * G2[i] * G2[i];
      want[i] = p1 * f - 0.1 * (m / 0.19) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    }
    Adam a = new Adam(3, 0.9f, 0.999f, 1e-8f, wd, new int[] {0, 2});
    assertEquals("adamw", a.name());
    assertArrayEquals(toFloat(want), twoSteps(a), 1e-5f);
  }

  @Test
  void factoryAndValidation() {
    for (String n : OptimizerConfig.NAMES) {
      Optimizer o = Optimizer.create(OptimizerConfig.defaults(n), 3, new int[0]);
      assertEquals(n, o.name());
    }
    assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.defaults("lbfgs"));
    assertThrows(IllegalArgumentException.class,
        () -> OptimizerConfig.defaults("momentum").withMomentum(1.5f));
  }

  @Test
  void schedules() {
    assertEquals(0.1f, LrSchedule.constant().lr(0.1f, 50, 100), 0f);
    LrSchedule warm = LrSchedule.constant().withWarmup(4);
    assertEquals(0.025f, warm.lr(0.1f, 0, 100), 1e-7f);
    assertEquals(0.1f, warm.lr(0.1f, 3, 100), 1e-7f);
    LrSchedule step = new LrSchedule("step", 0, 10, 0.5, 0);
    assertEquals(0.1f, step.lr(0.1f, 9, 100), 1e-7f);
    assertEquals(0.05f, step.lr(0.1f, 10, 100), 1e-7f);
    assertEquals(0.025f, step.lr(0.1f, 25, 100), 1e-7f);
    LrSchedule exp = new LrSchedule("exponential", 0, 10, 0.5, 0);
    assertEquals(0.1f * (float) Math.pow(0.5, 0.5), exp.lr(0.1f, 5, 100), 1e-7f);
    LrSchedule cos = new LrSchedule("cosine", 10, 1, 1, 0.1);
    assertEquals(0.1f, cos.lr(0.1f, 10, 110), 1e-7f);
    assertEquals(0.055f, cos.lr(0.1f, 60, 110), 1e-6f);
    assertEquals(0.01f, cos.lr(0.1f, 110, 110), 1e-7f);
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule("cyclic", 0, 1, 1, 0));
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
