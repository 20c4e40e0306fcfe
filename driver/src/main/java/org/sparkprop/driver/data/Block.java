package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Normalizer;

/**
 * One partition's examples packed into contiguous arrays (not one object per sample):
 * features (rows, F) and targets y (rows, T), row-major. Spark caches one Block per partition
 * as a deserialised object, so a training task reads its shard in place.
 *
 * <p>Features are held in one of two forms. Plain: floats x, already scaled. Compact: when
 * every raw feature is an integer in 0..255 (checked when the block is scaled, never
 * assumed), one byte per feature and the scaling (shift, scale) applied as rows are read out
 * ({@link #copyRows}, {@link #gather}): x' = (b − shift)·scale in float, the same operations
 * and so the same bits as the plain form. Pixels take a quarter of the memory.
 *
 * <p>A plain class rather than a record: Kryo (Spark's, version 4) restores fields by
 * reflection, which record fields forbid.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 2L;

  private float[] x;
  private byte[] bytes;
  private float[] shift;
  private float[] scale;
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

  private Block(byte[] bytes, float[] shift, float[] scale, float[] y, int rows, int features,
      int targetWidth) {
    this.bytes = bytes;
    this.shift = shift;
    this.scale = scale;
    this.y = y;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
  }

  public static Block of(Dataset d) {
    return new Block(d.x(), d.y(), d.rows(), d.features(), d.targetWidth());
  }

  /**
   * Raw (unscaled) block b scaled by norm: compact when every feature value is an integer in
   * 0..255, else a plain scaled copy.
   */
  public static Block scaled(Block b, Normalizer norm) {
    if (b.bytes != null) {
      throw new IllegalStateException("a compact block is already scaled");
    }
    float[] raw = b.x;
    boolean small = true;
    for (int i = 0; i < raw.length && small; i++) {
      float v = raw[i];
      small = v >= 0 && v <= 255 && v == (int) v;
    }
    if (small && raw.length > 0) {
      byte[] packed = new byte[raw.length];
      for (int i = 0; i < raw.length; i++) {
        packed[i] = (byte) (int) raw[i];
      }
      return new Block(packed, norm.shift(), norm.scale(), b.y, b.rows, b.features,
          b.targetWidth);
    }
    float[] x = raw.clone();
    norm.apply(x, b.rows);
    return new Block(x, b.y, b.rows, b.features, b.targetWidth);
  }

  /** Whether the features are held as bytes. */
  public boolean compact() {
    return bytes != null;
  }

  /** Bytes held per row: the features (1 or 4 bytes each) and the targets (4 bytes each). */
  public int bytesPerRow() {
    return features * (compact() ? 1 : 4) + 4 * targetWidth;
  }

  /**
   * The scaled features of a plain block (for code that reads the whole array); a compact
   * block has none: read its rows with {@link #copyRows} or {@link #gather}.
   */
  public float[] x() {
    if (bytes != null) {
      throw new IllegalStateException("a compact block's features are bytes: use copyRows");
    }
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

  /** Rows [from, from + n) of the scaled features into dst from dstOff. Allocates nothing. */
  public void copyRows(int from, int n, float[] dst, int dstOff) {
    if (bytes == null) {
      System.arraycopy(x, from * features, dst, dstOff, n * features);
      return;
    }
    for (int r = 0; r < n; r++) {
      widen(from + r, dst, dstOff + r * features);
    }
  }

  private void widen(int row, float[] dst, int off) {
    int o = row * features;
    for (int j = 0; j < features; j++) {
      dst[off + j] = ((float) (bytes[o + j] & 0xFF) - shift[j]) * scale[j];
    }
  }

  /**
   * The minibatch gather: rows order[from … from + m − 1] of the features and targets to the
   * front of xb and yb, in that order. Allocates nothing.
   */
  public void gather(int[] order, int from, int m, float[] xb, float[] yb) {
    for (int i = 0; i < m; i++) {
      int r = order[from + i];
      if (bytes == null) {
        System.arraycopy(x, r * features, xb, i * features, features);
      } else {
        widen(r, xb, i * features);
      }
      System.arraycopy(y, r * targetWidth, yb, i * targetWidth, targetWidth);
    }
  }

  /** The first min(n, rows) rows (a copy, in the same form). */
  public Block head(int n) {
    int m = Math.min(n, rows);
    float[] hy = Arrays.copyOf(y, m * targetWidth);
    return bytes == null ? new Block(Arrays.copyOf(x, m * features), hy, m, features,
        targetWidth) : new Block(Arrays.copyOf(bytes, m * features), shift, scale, hy, m,
        features, targetWidth);
  }

  /** The rows as a dataset of scaled floats (a compact block is widened). */
  public Dataset asDataset() {
    if (bytes == null) {
      return new Dataset(x, y, rows, features, targetWidth);
    }
    float[] all = new float[rows * features];
    copyRows(0, rows, all, 0);
    return new Dataset(all, y, rows, features, targetWidth);
  }
}
