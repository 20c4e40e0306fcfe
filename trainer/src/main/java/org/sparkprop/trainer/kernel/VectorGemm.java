package org.sparkprop.trainer.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU kernel: a cache-blocked product with a 6 × 2L register-tiled micro-kernel on the
 * Java Vector API (L = floats per vector: 16 with AVX-512, 8 with AVX2), one fused multiply-add
 * per accumulator and B vector.
 *
 * <p>Loop nest (GotoBLAS's, without packing A): for each KC × NC block of B, packed into
 * contiguous NR-wide panels so that one panel (KC × NR, 32 KB) stays in L1, the micro-kernel
 * sweeps MC rows of A six at a time. A is read <b>in place</b>: the micro-kernel broadcasts
 * {@code a[row_r + kk]} from six row streams, so its index is the loop counter plus a
 * loop-invariant offset and C2 removes every bounds check from the loop. Only the transposed A
 * of {@code tn} (the weight gradient's xᵀ) is first copied into a row-major MC × KC block.
 * Packing A into MR-interleaved panels, as before, cost a quarter of the time of a batch-128
 * product for nothing the six row streams do not already get from the hardware prefetcher.
 *
 * <p>C is zeroed first unless the caller accumulates, and every micro-kernel call loads its C
 * tile into the accumulators and stores it back: one code path (no overwrite/add branch) keeps
 * the micro-kernel small enough for C2 to compile it whole.
 *
 * <p>Tile: 6 rows × 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 32
 * (AVX-512) or 16 (AVX2) vector registers. Outputs at most one vector wide (the 10-wide output
 * layer) use the 6 × L half kernel. Edge tiles run on scratch copies (zero-padded rows of A, the
 * C tile) and are copied back.
 *
 * <p>Loaded only when the {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 */
final class VectorGemm implements Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 6;
  private static final int NR = 2 * L;
  static final int KC = 256;
  static final int MC = 192;
  static final int NC = 512;

  /** Packed panels of B: (NC/NR) panels of (KC, NR). */
  private final float[] bp = new float[NC * KC];
  /** Edge rows of A, zero-padded to MR rows: (MR, KC) with row stride kc. */
  private final float[] edgeA = new float[MR * KC];
  /** Edge tile of C: (MR, NR). */
  private final float[] tile = new float[MR * NR];

  @Override
  public String name() {
    return "vector-" + S.vectorBitSize();
  }

  @Override
  public void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, false, b, bOff, false, c, cOff, accumulate);
  }

  @Override
  public void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, false, b, bOff, true, c, cOff, accumulate);
  }

  @Override
  public void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, true, b, bOff, false, c, cOff, accumulate);
  }

  private void run(int m, int n, int k, float[] a, int aOff, boolean aT, float[] b, int bOff,
      boolean bT, float[] c, int cOff, boolean accumulate) {
    if (m == 0 || n == 0) {
      return;
    }
    if (!accumulate) {
      Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    if (k == 0) {
      return;
    }
    // Equal K blocks (784 = 4 × 196, not 3 × 256 + 16): a thin last block would pay the
    // tile loads and stores for little arithmetic.
    int kBlocks = (k + KC - 1) / KC;
    int kcStd = (k + kBlocks - 1) / kBlocks;
    // Element (i, kk) of A is at a[aOff + i·rowStep + kk·kStep].
    int rowStep = aT ? 1 : k;
    int kStep = aT ? m : 1;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += kcStd) {
        int kc = Math.min(kcStd, k - pc);
        packB(b, bOff, bT, k, n, pc, kc, jc, nc);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bpOff = (jr / NR) * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int rows = Math.min(MR, mc - ir);
              int cTile = cOff + (ic + ir) * n + jc + jr;
              int aTile = aOff + (ic + ir) * rowStep + pc * kStep;
              if (rows == MR && cols == NR) {
                if (aT) {
                  fullT(kc, a, aTile, m, bp, bpOff, c, cTile, n);
                } else {
                  fullN(kc, a, aTile, k, bp, bpOff, c, cTile, n);
                }
              } else if (rows == MR && cols == L) {
                if (aT) {
                  halfT(kc, a, aTile, m, bp, bpOff, c, cTile, n);
                } else {
                  halfN(kc, a, aTile, k, bp, bpOff, c, cTile, n);
                }
              } else {
                edge(kc, a, aTile, aT, rowStep, kStep, rows, cols, bpOff, c, cTile, n);
              }
            }
          }
        }
      }
    }
  }

  /**
   * A tile with fewer than MR rows or a partial panel, computed on scratch copies: the C tile
   * always, the rows of A when there are fewer than MR (copied row-major, zero-padded, so that
   * no read runs past the matrix).
   */
  private void edge(int kc, float[] a, int aTile, boolean aT, int rowStep, int kStep, int rows,
      int cols, int bpOff, float[] c, int cTile, int ldc) {
    Arrays.fill(tile, 0f);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(c, cTile + r * ldc, tile, r * NR, cols);
    }
    if (rows < MR) {
      for (int r = 0; r < rows; r++) {
        int src = aTile + r * rowStep;
        for (int kk = 0; kk < kc; kk++) {
          edgeA[r * kc + kk] = a[src + kk * kStep];
        }
      }
      Arrays.fill(edgeA, rows * kc, MR * kc, 0f);
      if (cols > L) {
        fullN(kc, edgeA, 0, kc, bp, bpOff, tile, 0, NR);
      } else {
        halfN(kc, edgeA, 0, kc, bp, bpOff, tile, 0, NR);
      }
    } else if (cols > L) {
      if (aT) {
        fullT(kc, a, aTile, kStep, bp, bpOff, tile, 0, NR);
      } else {
        fullN(kc, a, aTile, rowStep, bp, bpOff, tile, 0, NR);
      }
    } else if (aT) {
      halfT(kc, a, aTile, kStep, bp, bpOff, tile, 0, NR);
    } else {
      halfN(kc, a, aTile, rowStep, bp, bpOff, tile, 0, NR);
    }
    for (int r = 0; r < rows; r++) {
      System.arraycopy(tile, r * NR, c, cTile + r * ldc, cols);
    }
  }

  /**
   * The (6, 2L) tile at c[o0] (row stride ldc) += A rows a0, a0+lda, … (kc values each, read in
   * place) · the packed B panel at bp[bo] (kc, NR). Two k per iteration: the six row indices
   * (a_r + kk) are formed once for both steps, the second reading at displacement +1.
   */
  private static void fullN(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] c,
      int o0, int ldc) {
    final int a1 = a0 + lda;
    final int a2 = a1 + lda;
    final int a3 = a2 + lda;
    final int a4 = a3 + lda;
    final int a5 = a4 + lda;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c00 = FloatVector.fromArray(S, c, o0);
    FloatVector c01 = FloatVector.fromArray(S, c, o0 + L);
    FloatVector c10 = FloatVector.fromArray(S, c, o1);
    FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
    FloatVector c20 = FloatVector.fromArray(S, c, o2);
    FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
    FloatVector c30 = FloatVector.fromArray(S, c, o3);
    FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
    FloatVector c40 = FloatVector.fromArray(S, c, o4);
    FloatVector c41 = FloatVector.fromArray(S, c, o4 + L);
    FloatVector c50 = FloatVector.fromArray(S, c, o5);
    FloatVector c51 = FloatVector.fromArray(S, c, o5 + L);
    final int kcEven = kc & ~1;
    int kk = 0;
    for (; kk < kcEven; kk += 2) {
      int bk = bo + kk * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bk);
      FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
      FloatVector x;
      x = FloatVector.broadcast(S, a[a0 + kk]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + kk]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + kk]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + kk]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + kk]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + kk]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      b0 = FloatVector.fromArray(S, bp, bk + NR);
      b1 = FloatVector.fromArray(S, bp, bk + NR + L);
      x = FloatVector.broadcast(S, a[a0 + kk + 1]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + kk + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + kk + 1]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + kk + 1]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + kk + 1]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + kk + 1]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    if (kk < kc) {
      int bk = bo + kk * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bk);
      FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
      FloatVector x;
      x = FloatVector.broadcast(S, a[a0 + kk]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[a1 + kk]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[a2 + kk]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[a3 + kk]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[a4 + kk]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[a5 + kk]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
  }

  /**
   * fullN for a transposed A read in place: element (r, kk) of the tile is a[a0 + kk·lda + r],
   * so each k reads six adjacent floats (constant displacements; C2 merges their bounds checks
   * into two).
   */
  private static void fullT(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] c,
      int o0, int ldc) {
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c00 = FloatVector.fromArray(S, c, o0);
    FloatVector c01 = FloatVector.fromArray(S, c, o0 + L);
    FloatVector c10 = FloatVector.fromArray(S, c, o1);
    FloatVector c11 = FloatVector.fromArray(S, c, o1 + L);
    FloatVector c20 = FloatVector.fromArray(S, c, o2);
    FloatVector c21 = FloatVector.fromArray(S, c, o2 + L);
    FloatVector c30 = FloatVector.fromArray(S, c, o3);
    FloatVector c31 = FloatVector.fromArray(S, c, o3 + L);
    FloatVector c40 = FloatVector.fromArray(S, c, o4);
    FloatVector c41 = FloatVector.fromArray(S, c, o4 + L);
    FloatVector c50 = FloatVector.fromArray(S, c, o5);
    FloatVector c51 = FloatVector.fromArray(S, c, o5 + L);
    final int kcEven = kc & ~1;
    int kk = 0;
    int ak = a0;
    for (; kk < kcEven; kk += 2, ak += 2 * lda) {
      int bk = bo + kk * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bk);
      FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
      FloatVector x;
      x = FloatVector.broadcast(S, a[ak]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ak + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ak + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ak + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ak + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ak + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      b0 = FloatVector.fromArray(S, bp, bk + NR);
      b1 = FloatVector.fromArray(S, bp, bk + NR + L);
      int ak1 = ak + lda;
      x = FloatVector.broadcast(S, a[ak1]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ak1 + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ak1 + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ak1 + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ak1 + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ak1 + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    if (kk < kc) {
      int bk = bo + kk * NR;
      FloatVector b0 = FloatVector.fromArray(S, bp, bk);
      FloatVector b1 = FloatVector.fromArray(S, bp, bk + L);
      FloatVector x;
      x = FloatVector.broadcast(S, a[ak]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[ak + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[ak + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[ak + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, a[ak + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, a[ak + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    c00.intoArray(c, o0);
    c01.intoArray(c, o0 + L);
    c10.intoArray(c, o1);
    c11.intoArray(c, o1 + L);
    c20.intoArray(c, o2);
    c21.intoArray(c, o2 + L);
    c30.intoArray(c, o3);
    c31.intoArray(c, o3 + L);
    c40.intoArray(c, o4);
    c41.intoArray(c, o4 + L);
    c50.intoArray(c, o5);
    c51.intoArray(c, o5 + L);
  }

  /** The (6, L) tile of fullN: the first vector of each packed NR-wide panel row. */
  private static void halfN(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] c,
      int o0, int ldc) {
    final int a1 = a0 + lda;
    final int a2 = a1 + lda;
    final int a3 = a2 + lda;
    final int a4 = a3 + lda;
    final int a5 = a4 + lda;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c0 = FloatVector.fromArray(S, c, o0);
    FloatVector c1 = FloatVector.fromArray(S, c, o1);
    FloatVector c2 = FloatVector.fromArray(S, c, o2);
    FloatVector c3 = FloatVector.fromArray(S, c, o3);
    FloatVector c4 = FloatVector.fromArray(S, c, o4);
    FloatVector c5 = FloatVector.fromArray(S, c, o5);
    for (int kk = 0; kk < kc; kk++) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo + kk * NR);
      c0 = FloatVector.broadcast(S, a[a0 + kk]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[a1 + kk]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[a2 + kk]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[a3 + kk]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[a4 + kk]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[a5 + kk]).fma(b0, c5);
    }
    c0.intoArray(c, o0);
    c1.intoArray(c, o1);
    c2.intoArray(c, o2);
    c3.intoArray(c, o3);
    c4.intoArray(c, o4);
    c5.intoArray(c, o5);
  }

  /** The (6, L) tile of fullT. */
  private static void halfT(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] c,
      int o0, int ldc) {
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c0 = FloatVector.fromArray(S, c, o0);
    FloatVector c1 = FloatVector.fromArray(S, c, o1);
    FloatVector c2 = FloatVector.fromArray(S, c, o2);
    FloatVector c3 = FloatVector.fromArray(S, c, o3);
    FloatVector c4 = FloatVector.fromArray(S, c, o4);
    FloatVector c5 = FloatVector.fromArray(S, c, o5);
    int ak = a0;
    for (int kk = 0; kk < kc; kk++, ak += lda) {
      FloatVector b0 = FloatVector.fromArray(S, bp, bo + kk * NR);
      c0 = FloatVector.broadcast(S, a[ak]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[ak + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[ak + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[ak + 3]).fma(b0, c3);
      c4 = FloatVector.broadcast(S, a[ak + 4]).fma(b0, c4);
      c5 = FloatVector.broadcast(S, a[ak + 5]).fma(b0, c5);
    }
    c0.intoArray(c, o0);
    c1.intoArray(c, o1);
    c2.intoArray(c, o2);
    c3.intoArray(c, o3);
    c4.intoArray(c, o4);
    c5.intoArray(c, o5);
  }

  /** Packs rows [pc, pc+kc) × cols [jc, jc+nc) of B into NR-column panels, each (kc, NR). */
  private void packB(float[] b, int bOff, boolean bT, int k, int n, int pc, int kc, int jc,
      int nc) {
    final float[] bp = this.bp;
    for (int q = 0; q * NR < nc; q++) {
      int base = q * NR * kc;
      int j0 = jc + q * NR;
      int cols = Math.min(NR, jc + nc - j0);
      if (bT) {
        // B is stored (N, K): column j of the panel is a contiguous run of stored row j.
        for (int j = 0; j < cols; j++) {
          int src = bOff + (j0 + j) * k + pc;
          for (int kk = 0; kk < kc; kk++) {
            bp[base + kk * NR + j] = b[src + kk];
          }
        }
        if (cols < NR) {
          for (int kk = 0; kk < kc; kk++) {
            Arrays.fill(bp, base + kk * NR + cols, base + kk * NR + NR, 0f);
          }
        }
      } else {
        for (int kk = 0; kk < kc; kk++) {
          int dst = base + kk * NR;
          System.arraycopy(b, bOff + (pc + kk) * n + j0, bp, dst, cols);
          if (cols < NR) {
            Arrays.fill(bp, dst + cols, dst + NR, 0f);
          }
        }
      }
    }
  }
}
