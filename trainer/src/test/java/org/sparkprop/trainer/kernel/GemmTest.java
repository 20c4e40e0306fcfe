package org.sparkprop.trainer.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sparkprop.trainer.gpu.Gpu;
import org.sparkprop.trainer.gpu.GpuGemm;

/** Every kernel, every layout, against the naive reference and a hand-computed product. */
class GemmTest {
  private static final List<String> CHECKED = new ArrayList<>();

  static List<Gemm> kernels() {
    List<Gemm> ks = new ArrayList<>();
    ks.add(Kernels.newGemm("java"));
    if (Kernels.vectorAvailable()) {
      ks.add(Kernels.newGemm("vector"));
    }
    if (Gpu.probe(0).usable()) {
      ks.add(new GpuGemm(0));  // the same checks on cuBLAS
    }
    return ks;
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return x;
  }

  interface Op {
    void apply(Gemm g, int m, int n, int k, float[] a, int ao, float[] b, int bo, float[] c,
        int co, boolean acc);
  }

  private static final Op[] OPS = {Gemm::nn, Gemm::nt, Gemm::tn};
  private static final String[] OP_NAMES = {"nn", "nt", "tn"};

  @Test
  void handComputed2x3times3x4() {
    // A = [[1,2,3],[4,5,6]], B = [[1,0,2,1],[0,1,1,2],[1,1,0,3]]
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 2, 1, 0, 1, 1, 2, 1, 1, 0, 3};
    float[] expected = {4, 5, 4, 14, 10, 11, 13, 32};
    float[] aT = {1, 4, 2, 5, 3, 6};           // (3,2) = Aᵀ stored
    float[] bT = {1, 0, 1, 0, 1, 1, 2, 1, 0, 1, 2, 3}; // (4,3) = Bᵀ stored
    for (Gemm g : kernels()) {
      float[] c = new float[8];
      g.nn(2, 4, 3, a, 0, b, 0, c, 0, false);
      assertArrayEquals(expected, c, 1e-6f, g.name() + " nn");
      g.nt(2, 4, 3, a, 0, bT, 0, c, 0, false);
      assertArrayEquals(expected, c, 1e-6f, g.name() + " nt");
      g.tn(2, 4, 3, aT, 0, b, 0, c, 0, false);
      assertArrayEquals(expected, c, 1e-6f, g.name() + " tn");
      g.tn(2, 4, 3, aT, 0, b, 0, c, 0, true);
      for (int i = 0; i < 8; i++) {
        assertEquals(2 * expected[i], c[i], 1e-6f, g.name() + " tn accumulate");
      }
    }
  }

  @Test
  void matchesNaiveOnRandomAndEdgeShapes() {
    SplittableRandom rnd = new SplittableRandom(345);
    int[][] shapes = {
        {1, 1, 1}, {1, 7, 1}, {7, 1, 3}, {5, 3, 0}, {0, 4, 4}, {6, 32, 8}, {13, 17, 19},
        {7, 33, 300}, {145, 10, 128}, {128, 256, 784}, {150, 513, 260}, {3, 600, 2},
        {128, 10, 128}, {1, 16, 1}, {6, 16, 5}, {200, 40, 513}, {13, 16, 3},
        // tn with Aᵀ packed (n ≥ 8 panels): a second M block of 7 rows (a partial panel),
        // 7 edge columns, two K blocks.
        {199, 263, 300}};
    Gemm ref = new NaiveGemm();
    for (Gemm g : kernels()) {
      for (int[] s : shapes) {
        int m = s[0], n = s[1], k = s[2];
        for (int op = 0; op < 3; op++) {
          for (boolean acc : new boolean[] {false, true}) {
            int ao = rnd.nextInt(5), bo = rnd.nextInt(5), co = rnd.nextInt(5);
            float[] a = random(rnd, ao + m * k + 3);
            float[] b = random(rnd, bo + k * n + 2);
            float[] c0 = random(rnd, co + m * n + 4);
            float[] want = c0.clone();
            float[] got = c0.clone();
            OPS[op].apply(ref, m, n, k, a, ao, b, bo, want, co, acc);
            OPS[op].apply(g, m, n, k, a, ao, b, bo, got, co, acc);
            float tol = 1e-5f * (k + 1) + 1e-6f;
            String what = g.name() + " " + OP_NAMES[op] + " " + m + "x" + n + "x" + k
                + (acc ? " acc" : "");
            assertArrayEquals(want, got, tol, what); // also checks nothing outside C changed
            CHECKED.add(what);
          }
        }
      }
    }
  }

  @Test
  void rejectsBadShapes() {
    for (Gemm g : kernels()) {
      float[] a = new float[6];
      float[] c = new float[4];
      assertThrows(IllegalArgumentException.class, () -> g.nn(2, 2, 3, a, 0, a, 1, c, 0, false));
      assertThrows(IllegalArgumentException.class, () -> g.nn(2, 2, 3, a, 0, a, 0, a, 0, false));
      assertThrows(IllegalArgumentException.class, () -> g.tn(-1, 2, 3, a, 0, a, 0, c, 0, false));
    }
  }

  @AfterAll
  static void everyVariantWasChecked() {
    int kinds = kernels().size();
    assertEquals(kinds * 18 * 3 * 2, CHECKED.size(), "variants checked");
    assertTrue(CHECKED.stream().anyMatch(s -> s.startsWith("java ")));
  }

  /**
   * The weight-gradient product that reports its rows: the same bits as tn; when one block of
   * B covers the product, one report per block of {@link Gemm#tnRowBlock} rows from the last
   * block down to 0, each reported block already final; otherwise one report (0) at the end.
   */
  @Test
  void tnReportsFinalRowBlocksFromTheEndWithTheSameBits() {
    SplittableRandom r = new SplittableRandom(17);
    int[][] shapes = {{784, 512, 128}, {400, 64, 7}, {100, 600, 32}, {300, 40, 300}, {5, 3, 2}};
    for (Gemm g : kernels()) {
      int block = g.tnRowBlock();
      for (int[] sh : shapes) {
        int m = sh[0];
        int n = sh[1];
        int k = sh[2];
        float[] a = random(r, k * m);
        float[] b = random(r, k * n);
        for (boolean acc : new boolean[] {false, true}) {
          float[] start = random(r, m * n);
          float[] plain = start.clone();
          g.tn(m, n, k, a, 0, b, 0, plain, 0, acc);
          float[] c = start.clone();
          List<Integer> froms = new ArrayList<>();
          List<float[]> tails = new ArrayList<>();
          g.tn(m, n, k, a, 0, b, 0, c, 0, acc, from -> {
            froms.add(from);
            tails.add(Arrays.copyOfRange(c, from * n, m * n));
          });
          String what = g.name() + " tn " + m + "x" + n + "x" + k + " acc " + acc;
          assertArrayEquals(plain, c, what);
          List<Integer> expected = new ArrayList<>();
          if (block > 0 && n <= 512 && k <= 256) {
            for (int f = (m - 1) / block * block; f >= 0; f -= block) {
              expected.add(f);
            }
          } else {
            expected.add(0);
          }
          assertEquals(expected, froms, what);
          for (int t = 0; t < froms.size(); t++) {
            assertArrayEquals(Arrays.copyOfRange(c, froms.get(t) * n, m * n),
                tails.get(t), what + ": rows from " + froms.get(t) + " changed after the report");
          }
        }
      }
    }
  }
}
