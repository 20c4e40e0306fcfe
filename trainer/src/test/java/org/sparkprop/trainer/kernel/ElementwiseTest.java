package org.sparkprop.trainer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.trainer.rng.Rng;

/**
 * The optimizers' update loops: the plain path against hand-computed values, and the Vector
 * API path bit for bit against the plain one on lengths around the vector width (tails).
 */
class ElementwiseTest {
  private static float[] random(SplittableRandom r, int n, float lo, float hi) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * (float) r.nextDouble();
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "vector"})
  void adamFirstStepByHand(String kind) {
    assumeTrue(kind.equals("java") || Kernels.vectorAvailable(), "no Vector API module");
    // One parameter, g = 2, b1 = 0.9, b2 = 0.999: m = 0.2, v = 0.004; bias-corrected step
    // with lr 0.1 at t = 1 moves p by 0.1 · 2 / (2 + 1e-8) ≈ 0.1.
    float[] p = {1f};
    float[] m = {0f};
    float[] v = {0f};
    float stepSize = (float) (0.1 / (1 - 0.9));
    float invSqrtC2 = (float) (1 / Math.sqrt(1 - 0.999));
    Kernels.elementwise(kind).adam(p, new float[] {2f}, m, v, 1, 0.9f, 0.999f, stepSize,
        invSqrtC2, 1e-8f);
    assertEquals(0.2f, m[0], 1e-7f);
    assertEquals(0.004f, v[0], 1e-7f);
    assertEquals(0.9f, p[0], 1e-6f);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 15, 16, 17, 31, 33, 1003})
  void vectorPathEqualsPlainBitForBit(int n) {
    assumeTrue(Kernels.vectorAvailable(), "no Vector API module in this JVM");
    Elementwise plain = Kernels.elementwise("java");
    Elementwise vec = Kernels.elementwise("vector");
    SplittableRandom r = new SplittableRandom(n);
    float[] g = random(r, n, -3, 3);
    float[] p0 = random(r, n, -1, 1);
    float[] m0 = random(r, n, -1, 1);
    float[] v0 = random(r, n, 0, 2);
    float[] p1 = p0.clone();
    float[] m1 = m0.clone();
    float[] v1 = v0.clone();
    float[] p2 = p0.clone();
    float[] m2 = m0.clone();
    float[] v2 = v0.clone();
    plain.adam(p1, g, m1, v1, n, 0.9f, 0.999f, 0.01f, 1.3f, 1e-8f);
    vec.adam(p2, g, m2, v2, n, 0.9f, 0.999f, 0.01f, 1.3f, 1e-8f);
    assertArrayEquals(p1, p2);
    assertArrayEquals(m1, m2);
    assertArrayEquals(v1, v2);
    p1 = p0.clone();
    v1 = v0.clone();
    p2 = p0.clone();
    v2 = v0.clone();
    plain.rms(p1, g, v1, n, 0.99f, 0.01f, 0.003f, 1e-7f);
    vec.rms(p2, g, v2, n, 0.99f, 0.01f, 0.003f, 1e-7f);
    assertArrayEquals(p1, p2);
    assertArrayEquals(v1, v2);
    // Only [0, n) is touched.
    float[] longer = new float[n + 5];
    float[] gl = new float[n + 5];
    Arrays.fill(gl, 1f);
    Arrays.fill(longer, 7f);
    vec.rms(longer, gl, new float[n + 5], n, 1f, 1f, 0.5f, 0f);
    for (int i = n; i < n + 5; i++) {
      assertEquals(7f, longer[i]);
    }
    assertEquals(6.5f, longer[n - 1]);
  }

  /**
   * The fused passes of an optimizer step give the bits of the separate ones on each path:
   * the decay inside Adam's pass (AdamW) as p *= decay before it, the gradient made a mean
   * inside its norm's pass as x *= scale before sumSquares (same partial sums, same order).
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 5, 7, 15, 16, 17, 33, 1001})
  void fusedPassesGiveTheSeparatePassesBits(int n) {
    List<String> kinds = new ArrayList<>(List.of("java"));
    if (Kernels.vectorAvailable()) {
      kinds.add("vector");
    }
    for (String kind : kinds) {
      Elementwise ew = Kernels.elementwise(kind);
      SplittableRandom r = new SplittableRandom(n + 11);
      float[] g = random(r, n + 3, -3, 3);
      float[] p0 = random(r, n + 3, -1, 1);
      float[] m0 = random(r, n + 3, -1, 1);
      float[] v0 = random(r, n + 3, 0, 2);
      float[] p1 = p0.clone();
      float[] m1 = m0.clone();
      float[] v1 = v0.clone();
      for (int i = 2; i < n + 2; i++) {
        p1[i] *= 0.9993f;
      }
      ew.adam(p1, g, m1, v1, 2, n + 2, 0.9f, 0.999f, 0.01f, 1.3f, 1e-8f);
      float[] p2 = p0.clone();
      float[] m2 = m0.clone();
      float[] v2 = v0.clone();
      ew.adam(p2, g, m2, v2, 2, n + 2, 0.9993f, 0.9f, 0.999f, 0.01f, 1.3f, 1e-8f);
      assertArrayEquals(p1, p2, kind);
      assertArrayEquals(m1, m2, kind);
      assertArrayEquals(v1, v2, kind);
      float[] x1 = g.clone();
      for (int i = 1; i < n + 1; i++) {
        x1[i] *= 0.0078125f + 1e-5f;
      }
      double s1 = ew.sumSquares(x1, 1, n + 1);
      float[] x2 = g.clone();
      double s2 = ew.scaleSumSquares(x2, 1, n + 1, 0.0078125f + 1e-5f);
      assertArrayEquals(x1, x2, kind);
      assertEquals(s1, s2, 0, kind);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 5, 7, 8, 9, 17, 1001})
  void sumOfSquaresMatchesASerialDoubleSum(int n) {
    SplittableRandom r = new SplittableRandom(n + 1);
    float[] x = random(r, n + 2, -2, 2);
    double s = 0;
    for (int i = 1; i < n + 1; i++) {
      s += (double) x[i] * x[i];
    }
    double tol = 1e-13 * Math.max(1, s);
    assertEquals(s, Kernels.elementwise("java").sumSquares(x, 1, n + 1), tol);
    assertEquals(Math.sqrt(s), Vec.norm(x, 1, n + 1), tol);
    if (Kernels.vectorAvailable()) {
      assertEquals(s, Kernels.elementwise("vector").sumSquares(x, 1, n + 1), tol);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 9, 15, 16, 17, 1003})
  void dropoutMasksAreTheRngStreamOnBothPaths(int n) {
    for (float keep : new float[] {0.7f, 0.5f, 0.9f, 1f}) {
      for (long seed : new long[] {0, 42, -7, Long.MIN_VALUE}) {
        // The reference: the stream the masks always came from.
        Rng rng = new Rng(seed);
        float scale = 1f / keep;
        float[] want = new float[n + 3];
        for (int i = 0; i < n; i++) {
          want[i] = rng.nextFloat() < keep ? scale : 0f;
        }
        List<String> kinds = new ArrayList<>(List.of("java"));
        if (Kernels.vectorAvailable()) {
          kinds.add("vector");
        }
        for (String kind : kinds) {
          float[] got = new float[n + 3];
          Kernels.elementwise(kind).dropoutMask(seed, got, n, keep, scale);
          assertArrayEquals(want, got, kind + " keep " + keep + " seed " + seed);
        }
      }
    }
    // About keep of the units survive.
    float[] m = new float[100_000];
    Kernels.elementwise().dropoutMask(3, m, m.length, 0.7f, 1 / 0.7f);
    int kept = 0;
    for (float v : m) {
      kept += v > 0 ? 1 : 0;
    }
    assertEquals(0.7, kept / 100_000.0, 0.01);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 17, 33, 130})
  void reluLoopsAreTheScalarActivationOnBothPaths(int cols) {
    SplittableRandom r = new SplittableRandom(cols);
    int rows = 3;
    float[] y0 = random(r, rows * cols + 2, -2, 2);
    float[] bias = random(r, cols + 1, -1, 1);
    y0[0] = -0f;
    y0[1] = Float.NaN;
    y0[rows * cols - 1] = Float.POSITIVE_INFINITY;
    // Hand-made reference: v = y + b; v > 0 ? v : 0.
    float[] want = y0.clone();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float v = y0[i * cols + j] + bias[1 + j];
        want[i * cols + j] = v > 0 ? v : 0f;
      }
    }
    float[] dy = random(r, rows * cols, -1, 1);
    float[] wantDx = new float[rows * cols];
    for (int i = 0; i < rows * cols; i++) {
      wantDx[i] = want[i] > 0 ? dy[i] : 0f;
    }
    List<String> kinds = new ArrayList<>(List.of("java"));
    if (Kernels.vectorAvailable()) {
      kinds.add("vector");
    }
    for (String kind : kinds) {
      float[] y = y0.clone();
      Kernels.elementwise(kind).reluBias(y, bias, 1, rows, cols);
      assertArrayEquals(want, y, kind + " forward (only rows × cols touched)");
      float[] dx = dy.clone();
      Kernels.elementwise(kind).reluBackward(y, dx, dx, rows * cols);
      assertArrayEquals(wantDx, dx, kind + " backward in place");
      float[] noBias = y0.clone();
      Kernels.elementwise(kind).reluBias(noBias, null, 0, rows, cols);
      for (int i = 0; i < rows * cols; i++) {
        assertEquals(y0[i] > 0 ? y0[i] : 0f, noBias[i], kind + " no bias " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 10, 16, 17, 37, 256})
  void columnSumsByHandAndVectorEqualsPlain(int cols) {
    SplittableRandom r = new SplittableRandom(cols);
    int rows = 5;
    float[] x = random(r, rows * cols, -2, 2);
    float[] y = random(r, rows * cols, -1, 1); // ReLU outputs: ≤ 0 means the unit was off
    float[] g0 = random(r, cols + 3, -1, 1);
    // By hand: g[3 + j] += Σ_r x (plain), and the fused ReLU version masks x first.
    float[] want = g0.clone();
    float[] wantRelu = g0.clone();
    float[] masked = x.clone();
    for (int j = 0; j < cols; j++) {
      for (int q = 0; q < rows; q++) {
        int i = q * cols + j;
        want[3 + j] += x[i];
        masked[i] = y[i] > 0 ? x[i] : 0f;
        wantRelu[3 + j] += masked[i];
      }
    }
    for (String kind : Kernels.vectorAvailable() ? new String[] {"java", "vector"}
        : new String[] {"java"}) {
      Elementwise ew = Kernels.elementwise(kind);
      float[] g = g0.clone();
      ew.columnSums(x, rows, cols, g, 3);
      assertArrayEquals(want, g, kind + " columnSums"); // same order, so the same bits
      float[] dy = x.clone();
      g = g0.clone();
      ew.reluBackwardColumnSums(y, dy, rows, cols, g, 3);
      assertArrayEquals(masked, dy, kind + " ReLU gradient");
      assertArrayEquals(wantRelu, g, kind + " fused bias gradient");
    }
  }
}
