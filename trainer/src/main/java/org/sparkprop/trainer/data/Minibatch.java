package org.sparkprop.trainer.data;

/**
 * The minibatch gather shared by the single-machine trainer and the Spark workers: rows
 * order[from … from+m-1] of (x, y) copied, in that order, to the front of caller-owned
 * buffers. F = features per row, T = targets per row; all arrays row-major.
 */
public final class Minibatch {
  private Minibatch() {}

  /**
   * Overwrites xb (≥ m·F) and yb (≥ m·T) with the m rows of x (N, F) and y (N, T) that
   * order[from …] names. Allocates nothing.
   */
  public static void gather(float[] x, float[] y, int features, int targetWidth, int[] order,
      int from, int m, float[] xb, float[] yb) {
    for (int i = 0; i < m; i++) {
      int r = order[from + i];
      System.arraycopy(x, r * features, xb, i * features, features);
      System.arraycopy(y, r * targetWidth, yb, i * targetWidth, targetWidth);
    }
  }
}
