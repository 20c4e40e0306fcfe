package org.sparkprop.trainer.data;

import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;

/**
 * Examples packed into two flat arrays: x (N, F) features and y (N, T) targets, row-major.
 * Not one object per sample: a dataset of 60,000 images is two arrays.
 */
public record Dataset(float[] x, float[] y, int rows, int features, int targetWidth) {
  public Dataset {
    if (rows < 0 || features <= 0 || targetWidth <= 0) {
      throw new IllegalArgumentException("bad dataset shape: " + rows + " rows, " + features
          + " features, " + targetWidth + " targets per row");
    }
    if (x.length != (long) rows * features || y.length != (long) rows * targetWidth) {
      throw new IllegalArgumentException("dataset arrays do not match " + rows + " rows");
    }
  }

  /** The rows idx[from, to), copied. */
  public Dataset select(int[] idx, int from, int to) {
    int n = to - from;
    float[] nx = new float[n * features];
    float[] ny = new float[n * targetWidth];
    for (int i = 0; i < n; i++) {
      int r = idx[from + i];
      System.arraycopy(x, r * features, nx, i * features, features);
      System.arraycopy(y, r * targetWidth, ny, i * targetWidth, targetWidth);
    }
    return new Dataset(nx, ny, n, features, targetWidth);
  }

  /** Rows [from, to), copied. */
  public Dataset range(int from, int to) {
    int[] idx = new int[to - from];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = from + i;
    }
    return select(idx, 0, idx.length);
  }

  /**
   * A seeded random split: [0] the training part, [1] a validation part of
   * round(fraction·N) rows. The test set is never split from: it is only for final evaluation.
   */
  public Dataset[] split(double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
    }
    int[] idx = new int[rows];
    for (int i = 0; i < rows; i++) {
      idx[i] = i;
    }
    new Rng(Seeds.derive(seed, Seeds.Purpose.VALIDATION_SPLIT, 0, 0)).shuffle(idx, rows);
    int nVal = (int) Math.round(fraction * rows);
    return new Dataset[] {select(idx, nVal, rows), select(idx, 0, nVal)};
  }

  /** The class label of row r, for class-index targets. */
  public int label(int r) {
    return (int) y[r * targetWidth];
  }
}
