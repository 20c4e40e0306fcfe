package org.sparkprop.trainer.kernel;

import java.util.Arrays;

/**
 * The cache-blocked, packed matrix product of the plain-Java kernel ({@link JavaGemm}; GotoBLAS's
 * loop nest). The Vector API kernel ({@link VectorGemm}) packs only B and reads A in place.
 *
 * <p>Dimensions: M, N, K as in {@link Gemm}; MR × NR is the register tile of the micro-kernel;
 * MC × KC the block of A and KC × NC the block of B that are copied ("packed") into contiguous,
 * zero-padded panels before the micro-kernel runs over them.
 *
 * <p>Why packing: the three layouts (A·B, A·Bᵀ, Aᵀ·B) differ only in how A and B are read.
 * Packing turns all three into one contiguous access pattern, so one micro-kernel per
 * implementation serves every layout, reads its operands with unit stride, and edge tiles are
 * zero-padded instead of being special-cased inside the hot loop. The packing cost is O(MK + KN)
 * against O(MNK) of arithmetic.
 *
 * <p>Block sizes: a KC × NR panel of B (32 KB at KC=256, NR=32) stays in L1 while the
 * micro-kernel sweeps the MC rows of A; the MC × KC block of A (144 KB) and the KC × NC block of
 * B (512 KB) stay in L2.
 */
abstract class PackedGemm implements Gemm {
  static final int KC = 256;
  static final int MC = 144;
  static final int NC = 512;

  final int mr;
  final int nr;
  /** Packed panels of A: (MC/MR) panels of (KC, MR). */
  private final float[] ap;
  /** Packed panels of B: (NC/NR) panels of (KC, NR). */
  private final float[] bp;

  PackedGemm(int mr, int nr) {
    if (MC % mr != 0 || NC % nr != 0) {
      throw new IllegalArgumentException("block sizes must be multiples of the tile " + mr + "x"
          + nr);
    }
    this.mr = mr;
    this.nr = nr;
    this.ap = new float[MC * KC];
    this.bp = new float[NC * KC];
  }

  /**
   * C tile (rows, cols) at c[cOff], row stride ldc: overwrite or add A panel (kc, MR) · B panel
   * (kc, NR). rows ≤ MR and cols ≤ NR; the panels are zero-padded past rows/cols.
   */
  abstract void microKernel(int kc, float[] ap, int apOff, float[] bp, int bpOff,
      float[] c, int cOff, int ldc, int rows, int cols, boolean overwrite);

  @Override
  public final void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, false, b, bOff, false, c, cOff, accumulate);
  }

  @Override
  public final void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, false, b, bOff, true, c, cOff, accumulate);
  }

  @Override
  public final void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, true, b, bOff, false, c, cOff, accumulate, null);
  }

  @Override
  public final void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate, RowsFinal done) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, true, b, bOff, false, c, cOff, accumulate, done);
  }

  /** Rows of C finished at a time when one B block covers the product (N ≤ NC, K ≤ KC). */
  @Override
  public final int tnRowBlock() {
    return MC;
  }

  private void run(int m, int n, int k, float[] a, int aOff, boolean aT, float[] b, int bOff,
      boolean bT, float[] c, int cOff, boolean accumulate) {
    run(m, n, k, a, aOff, aT, b, bOff, bT, c, cOff, accumulate, null);
  }

  /**
   * With done: when one B block covers the product, the MC-row blocks of C run from the last
   * to the first (each block's arithmetic is the same in either order) and done hears of each
   * as it ends; otherwise done hears of the whole at the end.
   */
  private void run(int m, int n, int k, float[] a, int aOff, boolean aT, float[] b, int bOff,
      boolean bT, float[] c, int cOff, boolean accumulate, RowsFinal done) {
    if (m == 0 || n == 0 || k == 0) {
      if (k == 0 && !accumulate) {
        for (int i = 0; i < m; i++) {
          Arrays.fill(c, cOff + i * n, cOff + i * n + n, 0f);
        }
      }
      if (done != null) {
        done.rowsFinal(0);
      }
      return;
    }
    boolean fromEnd = done != null && n <= NC && k <= KC;
    int icBlocks = (m + MC - 1) / MC;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        // The first K block overwrites C unless the caller asked to accumulate.
        boolean overwrite = !accumulate && pc == 0;
        packB(b, bOff, bT, k, n, pc, kc, jc, nc);
        for (int bi = 0; bi < icBlocks; bi++) {
          int ic = (fromEnd ? icBlocks - 1 - bi : bi) * MC;
          int mc = Math.min(MC, m - ic);
          packA(a, aOff, aT, m, k, ic, mc, pc, kc);
          for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bpOff = (jr / nr) * nr * kc;
            for (int ir = 0; ir < mc; ir += mr) {
              int rows = Math.min(mr, mc - ir);
              int apOff = (ir / mr) * mr * kc;
              microKernel(kc, ap, apOff, bp, bpOff, c, cOff + (ic + ir) * n + jc + jr, n, rows,
                  cols, overwrite);
            }
          }
          if (fromEnd) {
            done.rowsFinal(ic);
          }
        }
      }
    }
    if (done != null && !fromEnd) {
      done.rowsFinal(0);
    }
  }

  /**
   * Packs rows [ic, ic+mc) × cols [pc, pc+kc) of A into MR-row panels, each (kc, MR). A
   * transposed A (stored (K, M), the weight gradient's xᵀ) is read stored row by stored row,
   * filling element kk of every panel at once: one panel at a time would read MR floats per
   * stored row and jump a whole row ahead, a cache miss for every 6 values (22 % of a batch-128
   * training step in a profile before this order).
   */
  private void packA(float[] a, int aOff, boolean aT, int m, int k, int ic, int mc, int pc,
      int kc) {
    final int mr = this.mr;
    final float[] ap = this.ap;
    final int panels = (mc + mr - 1) / mr;
    if (aT) {
      for (int kk = 0; kk < kc; kk++) {
        int src = aOff + (pc + kk) * m + ic;
        for (int p = 0; p < panels; p++) {
          int rows = Math.min(mr, mc - p * mr);
          int dst = p * mr * kc + kk * mr;
          int s0 = src + p * mr;
          for (int r = 0; r < rows; r++) {
            ap[dst + r] = a[s0 + r];
          }
          for (int r = rows; r < mr; r++) {
            ap[dst + r] = 0f;
          }
        }
      }
      return;
    }
    for (int p = 0; p < panels; p++) {
      int base = p * mr * kc;
      int i0 = ic + p * mr;
      int rows = Math.min(mr, mc - p * mr);
      for (int r = 0; r < rows; r++) {
        int src = aOff + (i0 + r) * k + pc;
        for (int kk = 0; kk < kc; kk++) {
          ap[base + kk * mr + r] = a[src + kk];
        }
      }
      for (int r = rows; r < mr; r++) {
        for (int kk = 0; kk < kc; kk++) {
          ap[base + kk * mr + r] = 0f;
        }
      }
    }
  }

  /** Packs rows [pc, pc+kc) × cols [jc, jc+nc) of B into NR-column panels, each (kc, NR). */
  private void packB(float[] b, int bOff, boolean bT, int k, int n, int pc, int kc, int jc,
      int nc) {
    final int nr = this.nr;
    final float[] bp = this.bp;
    for (int q = 0; q * nr < nc; q++) {
      int base = q * nr * kc;
      int j0 = jc + q * nr;
      int cols = Math.min(nr, n - j0);
      if (bT) {
        // B is stored (N, K): column j of the panel is a contiguous run of stored row j.
        for (int j = 0; j < cols; j++) {
          int src = bOff + (j0 + j) * k + pc;
          for (int kk = 0; kk < kc; kk++) {
            bp[base + kk * nr + j] = b[src + kk];
          }
        }
        if (cols < nr) {
          for (int kk = 0; kk < kc; kk++) {
            Arrays.fill(bp, base + kk * nr + cols, base + kk * nr + nr, 0f);
          }
        }
      } else {
        for (int kk = 0; kk < kc; kk++) {
          int dst = base + kk * nr;
          System.arraycopy(b, bOff + (pc + kk) * n + j0, bp, dst, cols);
          if (cols < nr) {
            Arrays.fill(bp, dst + cols, dst + nr, 0f);
          }
        }
      }
    }
  }
}
