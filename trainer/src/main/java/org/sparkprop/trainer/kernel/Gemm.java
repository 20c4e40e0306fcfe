package org.sparkprop.trainer.kernel;

/**
 * Single-precision matrix products in the three layouts that a dense layer's forward and
 * backward passes need. Every matrix is dense and row-major inside a flat {@code float[]},
 * starting at an offset, with no padding between rows.
 *
 * <p>Dimensions: M = rows of C, N = columns of C, K = the summed dimension.
 *
 * <p>Each call either <b>overwrites</b> C ({@code accumulate == false}) or <b>adds</b> to it
 * ({@code accumulate == true}). C must not overlap A or B. An implementation may own packing
 * workspace: one instance is not thread-safe; give each thread (each Spark task) its own.
 * Shapes are checked once at entry ({@link IllegalArgumentException}); nothing is checked
 * inside the loops.
 */
public interface Gemm {

  /** C (M,N) = A (M,K) · B (K,N). Dense forward: y = x·W. */
  void nn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate);

  /** C (M,N) = A (M,K) · B(N,K)ᵀ. Dense input gradient: dx = dz·Wᵀ. */
  void nt(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate);

  /** C (M,N) = A(K,M)ᵀ · B (K,N). Dense weight gradient: dW += xᵀ·dz. */
  void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
      boolean accumulate);

  /** Told by a weight-gradient product as the rows of C become final. */
  interface RowsFinal {
    /** Rows [from, M) of C are final; from only decreases, and the last call has from = 0. */
    void rowsFinal(int from);
  }

  /**
   * {@link #tn(int, int, int, float[], int, float[], int, float[], int, boolean)} that tells
   * done as C's rows become final, the last rows first, so a weight gradient can go on the wire
   * in blocks of rows while the rest of it is still being computed. C's bits are those of tn.
   * By default the whole product, then done.rowsFinal(0).
   */
  default void tn(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c,
      int cOff, boolean accumulate, RowsFinal done) {
    tn(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    done.rowsFinal(0);
  }

  /**
   * The rows that {@link #tn(int, int, int, float[], int, float[], int, float[], int, boolean,
   * RowsFinal)} finishes at a time where it can (blocks start at multiples of it from row 0;
   * whether a product is split depends on N and K), or 0 when it always finishes C whole.
   */
  default int tnRowBlock() {
    return 0;
  }

  /** A short name for logs and benchmark output, e.g. {@code "vector-512"}. */
  String name();

  /** Throws unless every index the product touches lies inside the arrays. */
  static void checkShapes(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("negative dimension: m=" + m + " n=" + n + " k=" + k);
    }
    check("A", a, aOff, (long) m * k);
    check("B", b, bOff, (long) k * n);
    check("C", c, cOff, (long) m * n);
    if (a == c || b == c) {
      throw new IllegalArgumentException("C must not be the same array as A or B");
    }
  }

  private static void check(String what, float[] x, int off, long size) {
    if (x == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (off < 0 || off + size > x.length) {
      throw new IllegalArgumentException(what + ": offset " + off + " + " + size
          + " elements exceeds array length " + x.length);
    }
  }
}
