package org.sparkprop.trainer.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.param.ParamLayout;

/**
 * Batch normalisation's statistics by hand: B = 4 rows, C = 2 channels, momentum 0.1,
 * γ = (2, 1), β = (0.5, 0). Column 0 holds 1, 3, 5, 7 (mean 4, Σ(x − μ)² = 20: biased
 * variance 5, unbiased 20/3); column 1 holds 2, 4, 6, 8 (mean 5, the same variances).
 */
class BatchNormTest {
  private static final float[] X = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final double EPS = 1e-5;

  private final ParamLayout params = new ParamLayout();
  private final ParamLayout state = new ParamLayout();
  private final BatchNorm bn = new BatchNorm("bn", 2, 0.1, EPS, 4, params, state);
  private final float[] p = new float[params.total()];
  private final float[] s = new float[state.total()];

  BatchNormTest() {
    bn.init(p, s, new SplittableRandom(1));
    p[0] = 2f;   // γ0
    p[2] = 0.5f; // β0
  }

  @Test
  void initialStateIsMeanZeroVarianceOne() {
    assertArrayEquals(new float[] {0, 0, 1, 1}, s);
  }

  @Test
  void trainingNormalisesWithTheBatchAndUpdatesTheRunningStatistics() {
    float[] y = new float[8];
    bn.forward(p, s, X, y, 4, true);
    // y = γ (x − μ) / √(5 + ε) + β
    double sd = Math.sqrt(5 + EPS);
    float[] expect = new float[8];
    for (int r = 0; r < 4; r++) {
      expect[2 * r] = (float) (2 * (X[2 * r] - 4) / sd + 0.5);
      expect[2 * r + 1] = (float) ((X[2 * r + 1] - 5) / sd);
    }
    assertArrayEquals(expect, y, 1e-6f);
    // running mean 0.9·0 + 0.1·μ; running variance 0.9·1 + 0.1·20/3 (unbiased)
    assertArrayEquals(new float[] {0.4f, 0.5f, 1.5666667f, 1.5666667f}, s, 1e-6f);
    // A second batch, constant 2 in both columns: mean 2, variance 0.
    bn.forward(p, s, new float[] {2, 2, 2, 2, 2, 2, 2, 2}, y, 4, true);
    assertArrayEquals(new float[] {0.56f, 0.65f, 1.41f, 1.41f}, s, 1e-6f);
    // ... and normalises to β (x − μ = 0).
    assertArrayEquals(new float[] {0.5f, 0, 0.5f, 0, 0.5f, 0, 0.5f, 0}, y, 0f);
  }

  @Test
  void evaluationUsesTheRunningStatisticsAndLeavesThemAlone() {
    s[0] = 0.4f;
    s[1] = 0.5f;
    s[2] = 1.5f;
    s[3] = 4f;
    float[] before = s.clone();
    float[] y = new float[8];
    bn.forward(p, s, X, y, 4, false);
    assertArrayEquals(before, s, 0f);
    for (int r = 0; r < 4; r++) {
      assertEquals(2 * (X[2 * r] - 0.4) / Math.sqrt(1.5 + EPS) + 0.5, y[2 * r], 1e-6);
      assertEquals((X[2 * r + 1] - 0.5) / Math.sqrt(4 + EPS), y[2 * r + 1], 1e-6);
    }
  }

  @Test
  void oneRowUsesTheBiasedVarianceForTheRunningStatistic() {
    float[] y = new float[2];
    bn.forward(p, s, new float[] {3, -1}, y, 1, true);
    // One row: variance 0 (no unbiased estimate exists), so running variance 0.9·1 + 0.
    assertArrayEquals(new float[] {0.3f, -0.1f, 0.9f, 0.9f}, s, 1e-7f);
  }
}
