package org.sparkprop.trainer.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU kernel: a cache-blocked product with a 6 × 2L register-tiled micro-kernel on the
 * Java Vector API (L = floats per vector: 16 with AVX-512, 8 with AVX2), one fused multiply-add
 * per accumulator and B vector.
 *
 * <p>Loop nest (GotoBLAS's): for each KC × NC block of B, packed into contiguous NR-wide panels
 * so that one panel (KC × NR, 32 KB) stays in L1, the micro-kernel sweeps MC rows of A six at a
 * time. A is packed into MR-interleaved panels only for wide tn products (for nn and nt that
 * transposing copy cost about a quarter of a batch-128 product):
 * <ul>
 *   <li>nn, nt: the block's rows are copied whole ({@code System.arraycopy}) into a buffer with
 *       the constant row stride KC, zero rows appended up to a multiple of MR. The micro-kernel
 *       reads {@code a[i + kk + r·KC]}: one index, six constant displacements, no bounds checks
 *       left in the loop (the index is the loop counter plus an invariant), and edge tiles read
 *       the zero rows instead of copies.
 *   <li>tn (the weight gradient's xᵀ, stored (K, M)): read in place, six adjacent floats per k
 *       ({@code a[ak + r]}, C2 merges their bounds checks into two). In place, a tile touches kc
 *       lines for six floats of each, which crowds the B panel out of L1; so when the output
 *       is at least {@link #PACK_T_MIN_PANELS} panels wide and kc > KC/2, each block of Aᵀ is
 *       first packed into MR-wide panels (six floats per k, contiguous), which the same
 *       micro-kernel reads with row stride MR.
 * </ul>
 *
 * <p>Every micro-kernel call loads its C tile into the accumulators and stores it back: one code
 * path (no overwrite/add branch), which keeps the micro-kernels small for C2. The tile is read
 * from a separate source (array, offset, row stride): C itself, or, in the first K block of a
 * product that overwrites C, a zero tile, so C is never zeroed in a pass of its own (in a
 * batch-512 training step that pass met C cold: the 512 × 128 × 10 nt spent half its time
 * zeroing). K is split into equal blocks (784 = 4 × 196).
 *
 * <p>Tile: 6 rows × 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 32
 * (AVX-512) or 16 (AVX2) vector registers. Outputs at most one vector wide (the 10-wide output
 * layer) use the 6 × L half kernel. Partial tiles run on a scratch copy of the C tile.
 *
 * <p>Every FloatVector has the one shape S (see {@link VectorElementwise} for why). Loaded only
 * when the {@code jdk.incubator.vector} module is present (see {@link Kernels}).
 *
 * <p>Why this file is longer than the project's 400 lines, and repeats itself: the
 * micro-kernels are written out by hand, one straight-line method per layout and width, with no
 * helpers shared between them. C2 compiles a micro-kernel with its Vector API intrinsics only
 * while the method stays small and calls nothing it might not inline; shared helpers hit C2's
 * inlining limits and the kernels then boxed their vectors (about 5× slower). {@link #packB}
 * stays a copy of {@link PackedGemm}'s for the same reason (see there).
 */
final class VectorGemm implements Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final int MR = 6;
  private static final int NR = 2 * L;
  static final int KC = 256;
  static final int MC = 192;
  static final int NC = 512;
  /**
   * tn packs Aᵀ into MR-wide panels when at least this many B panels reuse each packed block
   * and kc > KC/2 (below that, a tile's kc lines of Aᵀ and the B panel fit L1 together). Packed
   * against in place, old and new kernel alternated in one JVM on tn workloads only:
   * 784×256×512 (8 panels, kc 256) 1.12–1.15×; 784×256×128 (kc 128) 0.94–0.97×; 256×128×512
   * (4 panels) 0.89–0.94×; the 10-wide products (1 panel) 0.6–0.7×.
   */
  static final int PACK_T_MIN_PANELS = 8;
  /** Floats after each packed tn panel, where {@link #packT}'s whole-vector stores spill. */
  private static final int PAD = Math.max(L - MR, 0);

  /** Packed panels of B: (NC/NR) panels of (KC, NR). */
  private final float[] bp = new float[NC * KC];
  /** tn edge tiles: the rows of Aᵀ, zero-padded to MR rows, row stride KC. */
  private final float[] edgeA = new float[MR * KC];
  /**
   * nn, nt: rows [ic, ic+mc) of A, cols [pc, pc+kc), row stride KC, zero rows up to MR.
   * tn when packed: the MR-wide panels of Aᵀ's block (see {@link #packT}).
   */
  private final float[] ablock = new float[Math.max((MC + MR) * KC,
      (MC / MR + 1) * (MR * KC + PAD))];
  /** Read instead of C by the first K block of a product that overwrites C. */
  private static final float[] ZERO_TILE = new float[MR * NR];
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
    run(m, n, k, a, aOff, true, b, bOff, false, c, cOff, accumulate, null);
  }

  @Override
  public void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate, RowsFinal done) {
    Gemm.checkShapes(m, n, k, a, aOff, b, bOff, c, cOff);
    run(m, n, k, a, aOff, true, b, bOff, false, c, cOff, accumulate, done);
  }

  /** Rows of C finished at a time when one B block covers the product (N ≤ NC, K ≤ KC). */
  @Override
  public int tnRowBlock() {
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
    if (m == 0 || n == 0) {
      if (done != null) {
        done.rowsFinal(0);
      }
      return;
    }
    if (!accumulate && k == 0) {
      Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    if (k == 0) {
      if (done != null) {
        done.rowsFinal(0);
      }
      return;
    }
    // Equal K blocks (784 = 4 × 196, not 3 × 256 + 16): a thin last block would pay the
    // tile loads and stores for little arithmetic.
    int kBlocks = (k + KC - 1) / KC;
    int kcStd = (k + kBlocks - 1) / kBlocks;
    boolean fromEnd = done != null && n <= NC && kBlocks == 1;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += kcStd) {
        int kc = Math.min(kcStd, k - pc);
        // The first K block of an overwrite starts its tiles from zero instead of reading C: no
        // zeroing pass over C first.
        boolean zero = !accumulate && pc == 0;
        float[] ci = zero ? ZERO_TILE : c;
        packB(b, bOff, bT, k, n, pc, kc, jc, nc);
        // tn reads Aᵀ in place (six floats of each of kc rows per tile, so a tile's lines crowd
        // the B panel out of L1) unless enough B panels reuse a packed copy.
        boolean packA = aT && nc >= PACK_T_MIN_PANELS * NR && kc > KC / 2;
        int ps = panelStride(kc);
        int icBlocks = (m + MC - 1) / MC;
        for (int bi = 0; bi < icBlocks; bi++) {
          int ic = (fromEnd ? icBlocks - 1 - bi : bi) * MC;
          int mc = Math.min(MC, m - ic);
          if (packA) {
            packT(a, aOff + pc * m + ic, m, mc, kc);
          } else if (!aT) {
            copyRows(a, aOff + ic * k + pc, k, mc, kc);
          }
          for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bpOff = (jr / NR) * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
              int rows = Math.min(MR, mc - ir);
              int cTile = cOff + (ic + ir) * n + jc + jr;
              // Tiles are read from ci: the zero tile in the first K block of an overwrite.
              int ciTile = zero ? 0 : cTile;
              int ldi = zero ? NR : n;
              if (aT) {
                // Packed: panel ir/MR of ablock, row stride MR, zero past the matrix.
                float[] at = packA ? ablock : a;
                int aTile = packA ? ir / MR * ps : aOff + pc * m + ic + ir;
                int lda = packA ? MR : m;
                if (rows == MR && cols == NR) {
                  fullT(kc, at, aTile, lda, bp, bpOff, ci, ciTile, ldi, c, cTile, n);
                } else if (rows == MR && cols == L) {
                  halfT(kc, at, aTile, lda, bp, bpOff, ci, ciTile, ldi, c, cTile, n);
                } else {
                  edgeT(kc, at, aTile, lda, !packA, rows, cols, bpOff, zero, c, cTile, n);
                }
              } else {
                int aRow = ir * KC;
                if (rows == MR && cols == NR) {
                  fullN(kc, ablock, aRow, bp, bpOff, ci, ciTile, ldi, c, cTile, n);
                } else if (rows == MR && cols == L) {
                  halfN(kc, ablock, aRow, bp, bpOff, ci, ciTile, ldi, c, cTile, n);
                } else {
                  edgeN(kc, aRow, rows, cols, bpOff, zero, c, cTile, n);
                }
              }
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
   * Copies mc rows of A (kc values each, stored with row stride lda from a[src]) into
   * {@link #ablock} with row stride KC, and zeroes the rows after them up to a multiple of MR.
   * With a constant row stride the micro-kernel addresses its six rows as fixed displacements
   * from one index (no address arithmetic per row in the loop).
   */
  private void copyRows(float[] a, int src, int lda, int mc, int kc) {
    for (int i = 0; i < mc; i++) {
      System.arraycopy(a, src + i * lda, ablock, i * KC, kc);
    }
    int padded = (mc + MR - 1) / MR * MR;
    for (int i = mc; i < padded; i++) {
      Arrays.fill(ablock, i * KC, i * KC + kc, 0f);
    }
  }

  /**
   * tn: packs the block of Aᵀ (kc rows of A's storage (K, M) from a[src], row stride lda; mc
   * columns) into {@link #ablock} as MR-wide panels: panel p at p·panelStride(kc) holds
   * a[src + kk·lda + p·MR + r] at kk·MR + r, and zeros for columns past mc.
   *
   * <p>Each (kk, panel) is one whole-vector load from the row and one whole-vector store: the
   * L − MR lanes past the panel's MR land on the next k's slots (written after, so overwritten)
   * or, for the last k, in the PAD floats after the panel. (Six scalar copies per (kk, panel)
   * took 250–360 µs for a 784 × 512 block, this 190–230 µs, in separate runs.)
   */
  private void packT(float[] a, int src, int lda, int mc, int kc) {
    final float[] ab = ablock;
    final int ps = panelStride(kc);
    final int full = mc / MR;
    // Panels whose whole-vector reads stay inside a in every row of the block.
    int vec = 0;
    if (L >= MR) {
      long room = (long) a.length - L - src - (long) (kc - 1) * lda;
      vec = room < 0 ? 0 : (int) Math.min(full, room / MR + 1);
    }
    // Four rows of A per sweep, four read streams in flight: packing a 784 × 512 Aᵀ from memory
    // took 317 µs instead of 411 (one row per sweep), the same from L3.
    int kk4 = kc & ~3;
    for (int kk = 0; kk < kk4; kk += 4) {
      final int s = src + kk * lda;
      final int d = kk * MR;
      for (int p = 0; p < vec; p++) {
        int sp = s + p * MR;
        int dp = p * ps + d;
        FloatVector x0 = FloatVector.fromArray(S, a, sp);
        FloatVector x1 = FloatVector.fromArray(S, a, sp + lda);
        FloatVector x2 = FloatVector.fromArray(S, a, sp + 2 * lda);
        FloatVector x3 = FloatVector.fromArray(S, a, sp + 3 * lda);
        x0.intoArray(ab, dp);
        x1.intoArray(ab, dp + MR);
        x2.intoArray(ab, dp + 2 * MR);
        x3.intoArray(ab, dp + 3 * MR);
      }
      for (int p = vec; p < full; p++) {
        for (int q = 0; q < 4; q++) {
          for (int r = 0; r < MR; r++) {
            ab[p * ps + d + q * MR + r] = a[s + q * lda + p * MR + r];
          }
        }
      }
    }
    for (int kk = kk4; kk < kc; kk++) {
      final int s = src + kk * lda;
      final int d = kk * MR;
      for (int p = 0; p < vec; p++) {
        FloatVector.fromArray(S, a, s + p * MR).intoArray(ab, p * ps + d);
      }
      for (int p = vec; p < full; p++) {
        for (int r = 0; r < MR; r++) {
          ab[p * ps + d + r] = a[s + p * MR + r];
        }
      }
    }
    int rest = mc - full * MR;
    if (rest > 0) {
      int d = full * ps;
      Arrays.fill(ab, d, d + MR * kc, 0f);
      for (int kk = 0; kk < kc; kk++) {
        for (int r = 0; r < rest; r++) {
          ab[d + kk * MR + r] = a[src + kk * lda + full * MR + r];
        }
      }
    }
  }

  /** Distance between packed tn panels: MR·kc, and room for a whole-vector store's spill. */
  private static int panelStride(int kc) {
    return MR * kc + PAD;
  }

  /**
   * Copies the C tile's first rows rows into {@link #tile} (zero elsewhere; rows 0, as the edge
   * tiles pass for the first K block of an overwrite, gives the zero tile).
   */
  private void tileIn(float[] c, int cTile, int ldc, int rows, int cols) {
    Arrays.fill(tile, 0f);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(c, cTile + r * ldc, tile, r * NR, cols);
    }
  }

  private void tileOut(float[] c, int cTile, int ldc, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      System.arraycopy(tile, r * NR, c, cTile + r * ldc, cols);
    }
  }

  /** nn/nt edge tile: the rows past the block are zero in {@link #ablock}. */
  private void edgeN(int kc, int aRow, int rows, int cols, int bpOff, boolean zero, float[] c,
      int cTile, int ldc) {
    tileIn(c, cTile, ldc, zero ? 0 : rows, cols);
    if (cols > L) {
      fullN(kc, ablock, aRow, bp, bpOff, tile, 0, NR, tile, 0, NR);
    } else {
      halfN(kc, ablock, aRow, bp, bpOff, tile, 0, NR, tile, 0, NR);
    }
    tileOut(c, cTile, ldc, rows, cols);
  }

  /**
   * tn edge tile. Read in place with fewer than MR rows, the rows of Aᵀ are copied (row stride
   * KC, zero-padded) so that no read runs past the matrix; a packed panel is zero-padded already.
   */
  private void edgeT(int kc, float[] a, int aTile, int lda, boolean inPlace, int rows, int cols,
      int bpOff, boolean zero, float[] c, int cTile, int ldc) {
    tileIn(c, cTile, ldc, zero ? 0 : rows, cols);
    if (inPlace && rows < MR) {
      Arrays.fill(edgeA, 0f);
      for (int r = 0; r < rows; r++) {
        for (int kk = 0; kk < kc; kk++) {
          edgeA[r * KC + kk] = a[aTile + kk * lda + r];
        }
      }
      if (cols > L) {
        fullN(kc, edgeA, 0, bp, bpOff, tile, 0, NR, tile, 0, NR);
      } else {
        halfN(kc, edgeA, 0, bp, bpOff, tile, 0, NR, tile, 0, NR);
      }
    } else if (cols > L) {
      fullT(kc, a, aTile, lda, bp, bpOff, tile, 0, NR, tile, 0, NR);
    } else {
      halfT(kc, a, aTile, lda, bp, bpOff, tile, 0, NR, tile, 0, NR);
    }
    tileOut(c, cTile, ldc, rows, cols);
  }

  /**
   * The (6, 2L) tile at c[o0] (row stride ldc) = the tile at ci[i0] (row stride ldi) + A rows a0,
   * a0+KC, … a0+5·KC (kc values each) · the packed B panel at bp[bo] (kc, NR). Two k per
   * iteration; a remainder k when kc is odd.
   */
  private static void fullN(int kc, float[] a, int a0, float[] bp, int bo, float[] ci, int i0,
      int ldi, float[] c, int o0, int ldc) {
    final int a1 = a0 + KC;
    final int a2 = a0 + 2 * KC;
    final int a3 = a0 + 3 * KC;
    final int a4 = a0 + 4 * KC;
    final int a5 = a0 + 5 * KC;
    final int i1 = i0 + ldi;
    final int i2 = i1 + ldi;
    final int i3 = i2 + ldi;
    final int i4 = i3 + ldi;
    final int i5 = i4 + ldi;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c00 = FloatVector.fromArray(S, ci, i0);
    FloatVector c01 = FloatVector.fromArray(S, ci, i0 + L);
    FloatVector c10 = FloatVector.fromArray(S, ci, i1);
    FloatVector c11 = FloatVector.fromArray(S, ci, i1 + L);
    FloatVector c20 = FloatVector.fromArray(S, ci, i2);
    FloatVector c21 = FloatVector.fromArray(S, ci, i2 + L);
    FloatVector c30 = FloatVector.fromArray(S, ci, i3);
    FloatVector c31 = FloatVector.fromArray(S, ci, i3 + L);
    FloatVector c40 = FloatVector.fromArray(S, ci, i4);
    FloatVector c41 = FloatVector.fromArray(S, ci, i4 + L);
    FloatVector c50 = FloatVector.fromArray(S, ci, i5);
    FloatVector c51 = FloatVector.fromArray(S, ci, i5 + L);
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
  private static void fullT(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] ci,
      int i0, int ldi, float[] c, int o0, int ldc) {
    final int i1 = i0 + ldi;
    final int i2 = i1 + ldi;
    final int i3 = i2 + ldi;
    final int i4 = i3 + ldi;
    final int i5 = i4 + ldi;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c00 = FloatVector.fromArray(S, ci, i0);
    FloatVector c01 = FloatVector.fromArray(S, ci, i0 + L);
    FloatVector c10 = FloatVector.fromArray(S, ci, i1);
    FloatVector c11 = FloatVector.fromArray(S, ci, i1 + L);
    FloatVector c20 = FloatVector.fromArray(S, ci, i2);
    FloatVector c21 = FloatVector.fromArray(S, ci, i2 + L);
    FloatVector c30 = FloatVector.fromArray(S, ci, i3);
    FloatVector c31 = FloatVector.fromArray(S, ci, i3 + L);
    FloatVector c40 = FloatVector.fromArray(S, ci, i4);
    FloatVector c41 = FloatVector.fromArray(S, ci, i4 + L);
    FloatVector c50 = FloatVector.fromArray(S, ci, i5);
    FloatVector c51 = FloatVector.fromArray(S, ci, i5 + L);
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
  private static void halfN(int kc, float[] a, int a0, float[] bp, int bo, float[] ci, int i0,
      int ldi, float[] c, int o0, int ldc) {
    final int a1 = a0 + KC;
    final int a2 = a0 + 2 * KC;
    final int a3 = a0 + 3 * KC;
    final int a4 = a0 + 4 * KC;
    final int a5 = a0 + 5 * KC;
    final int i1 = i0 + ldi;
    final int i2 = i1 + ldi;
    final int i3 = i2 + ldi;
    final int i4 = i3 + ldi;
    final int i5 = i4 + ldi;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c0 = FloatVector.fromArray(S, ci, i0);
    FloatVector c1 = FloatVector.fromArray(S, ci, i1);
    FloatVector c2 = FloatVector.fromArray(S, ci, i2);
    FloatVector c3 = FloatVector.fromArray(S, ci, i3);
    FloatVector c4 = FloatVector.fromArray(S, ci, i4);
    FloatVector c5 = FloatVector.fromArray(S, ci, i5);
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
  private static void halfT(int kc, float[] a, int a0, int lda, float[] bp, int bo, float[] ci,
      int i0, int ldi, float[] c, int o0, int ldc) {
    final int i1 = i0 + ldi;
    final int i2 = i1 + ldi;
    final int i3 = i2 + ldi;
    final int i4 = i3 + ldi;
    final int i5 = i4 + ldi;
    final int o1 = o0 + ldc;
    final int o2 = o1 + ldc;
    final int o3 = o2 + ldc;
    final int o4 = o3 + ldc;
    final int o5 = o4 + ldc;
    FloatVector c0 = FloatVector.fromArray(S, ci, i0);
    FloatVector c1 = FloatVector.fromArray(S, ci, i1);
    FloatVector c2 = FloatVector.fromArray(S, ci, i2);
    FloatVector c3 = FloatVector.fromArray(S, ci, i3);
    FloatVector c4 = FloatVector.fromArray(S, ci, i4);
    FloatVector c5 = FloatVector.fromArray(S, ci, i5);
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

  /**
   * Packs rows [pc, pc+kc) × cols [jc, jc+nc) of B into NR-column panels, each (kc, NR). The
   * same loops as {@link PackedGemm}'s, kept apart so that the panel width is the constant NR:
   * one shared method taking the width as an argument made nt 3–7 % slower (bin/bench-ab, three
   * runs).
   */
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
      } else if (cols == NR) {
        // Two whole-vector copies per k instead of a 128-byte System.arraycopy: the 784 × 256
        // weights packed in 36 µs instead of 49 from L2, 150 instead of 185 from memory.
        int src = bOff + pc * n + j0;
        for (int kk = 0; kk < kc; kk++, src += n) {
          int dst = base + kk * NR;
          FloatVector.fromArray(S, b, src).intoArray(bp, dst);
          FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
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
