package org.sparkprop.trainer.kernel;

/** Flat-array helpers for the training loop. Sums and norms accumulate in double. */
public final class Vec {
  private Vec() {}

  /** x[0..n) *= a. */
  public static void scale(float[] x, int n, float a) {
    for (int i = 0; i < n; i++) {
      x[i] *= a;
    }
  }

  /** y[0..n) += x[0..n). */
  public static void add(float[] x, float[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += x[i];
    }
  }

  /** Euclidean norm of x[from, to) (the selected kernel's {@link Elementwise#sumSquares}). */
  public static double norm(float[] x, int from, int to) {
    return Math.sqrt(Kernels.elementwise().sumSquares(x, from, to));
  }

  /** Whether every value of x[0..n) is finite. */
  public static boolean allFinite(float[] x, int n) {
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(x[i])) {
        return false;
      }
    }
    return true;
  }
}
