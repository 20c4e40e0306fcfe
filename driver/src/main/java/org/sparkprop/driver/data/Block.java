package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkprop.trainer.data.Dataset;

/**
 * One partition's examples packed into two contiguous arrays (not one object per sample):
 * x (rows, F) features and y (rows, T) targets, row-major, already scaled. Spark caches one
 * Block per partition as a deserialised object, so a training task reads its shard in place.
 *
 * <p>A plain class rather than a record: Kryo (Spark's, version 4) restores fields by
 * reflection, which record fields forbid.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[] x;
  private float[] y;
  private int rows;
  private int features;
  private int targetWidth;

  public Block(float[] x, float[] y, int rows, int features, int targetWidth) {
    if ((long) rows * features != x.length || (long) rows * targetWidth != y.length) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " rows");
    }
    this.x = x;
    this.y = y;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
  }

  public static Block of(Dataset d) {
    return new Block(d.x(), d.y(), d.rows(), d.features(), d.targetWidth());
  }

  public float[] x() {
    return x;
  }

  public float[] y() {
    return y;
  }

  public int rows() {
    return rows;
  }

  public int features() {
    return features;
  }

  public int targetWidth() {
    return targetWidth;
  }

  /** The first min(n, rows) rows (a copy). */
  public Block head(int n) {
    int m = Math.min(n, rows);
    return new Block(Arrays.copyOf(x, m * features),
        Arrays.copyOf(y, m * targetWidth), m, features, targetWidth);
  }

  public Dataset asDataset() {
    return new Dataset(x, y, rows, features, targetWidth);
  }
}
