package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Supplier;
import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.data.Normalizer;

/**
 * One partition's examples packed into contiguous arrays (not one object per sample):
 * features (rows, F) and targets y (rows, T), row-major. Spark caches one Block per partition
 * as a deserialised object, so a training task reads its shard in place.
 *
 * <p>Features are held in one of three forms (see {@link Storage}). Plain: floats x, already
 * scaled. Compact: when every raw feature is an integer in 0..255 (checked when the block is
 * scaled, never assumed), one byte per feature and the scaling (shift, scale) applied as rows
 * are read out ({@link #copyRows}, {@link #gather}): x' = (b − shift)·scale in float, the same
 * operations and so the same bits as the plain form. Pixels take a quarter of the memory.
 * Half: the scaled floats rounded to bfloat16 (their top 16 bits), widened back by a shift as
 * rows are read out; lossy, half the memory of floats, and only on request.
 *
 * <p>Input blocks (raw, before scaling) of byte values are held as bytes too, with no scaling
 * ({@link #packed}, {@link #rawBytes}), so reading, shuffling and caching pixels costs one byte
 * per value all the way; scaling such a block shares its bytes.
 *
 * <p>A plain class rather than a record: Kryo (Spark's, version 4) restores fields by
 * reflection, which record fields forbid.
 */
public final class Block implements Serializable {
  private static final long serialVersionUID = 2L;

  /**
   * The most feature values the readers put in one input block (32 MB as floats), so a large
   * input partition is many blocks, which Spark can cache or spill one by one.
   */
  public static final int MAX_VALUES = 1 << 23;

  private float[] x;
  private byte[] bytes;
  private short[] halves;
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

  private Block(short[] halves, float[] y, int rows, int features, int targetWidth) {
    this.halves = halves;
    this.y = y;
    this.rows = rows;
    this.features = features;
    this.targetWidth = targetWidth;
  }

  /**
   * A raw (unscaled) input block: bytes when every feature is an integer in 0..255, else the
   * floats themselves. Rows read out the same floats either way.
   */
  public static Block packed(float[] x, float[] y, int rows, int features, int targetWidth) {
    if (x.length == 0 || !bytesOnly(x)) {
      return new Block(x, y, rows, features, targetWidth);
    }
    byte[] b = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      b[i] = (byte) (int) x[i];
    }
    return rawBytes(b, y, rows, features, targetWidth);
  }

  /** A raw input block of unsigned byte features (rows × features). */
  public static Block rawBytes(byte[] values, float[] y, int rows, int features,
      int targetWidth) {
    if ((long) rows * features != values.length || (long) rows * targetWidth != y.length) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " rows");
    }
    return new Block(values, null, null, y, rows, features, targetWidth);
  }

  private static boolean bytesOnly(float[] raw) {
    for (float v : raw) {
      if (!(v >= 0 && v <= 255 && v == (int) v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A partition's blocks, each filled by fill from its input until full or it ends: at least
   * one (an empty partition gives an empty block), made as they are consumed.
   */
  static Iterator<Block> chunks(Iterator<?> input, Supplier<Block> fill) {
    return new Iterator<Block>() {
      private boolean any;

      @Override
      public boolean hasNext() {
        return input.hasNext() || !any;
      }

      @Override
      public Block next() {
        any = true;
        return fill.get();
      }
    };
  }

  public static Block of(Dataset d) {
    return new Block(d.x(), d.y(), d.rows(), d.features(), d.targetWidth());
  }

  /**
   * Raw (unscaled) block b scaled by norm: compact when every feature value is an integer in
   * 0..255, else a plain scaled copy.
   */
  public static Block scaled(Block b, Normalizer norm) {
    return scaled(b, norm, Storage.AUTO);
  }

  /** Raw (unscaled) block b scaled by norm, held as storage says. */
  public static Block scaled(Block b, Normalizer norm, Storage storage) {
    if (b.halves != null || b.shift != null) {
      throw new IllegalStateException("a compact or half block is already scaled");
    }
    if (b.bytes != null) {
      if (storage != Storage.FLOAT32) {
        return new Block(b.bytes, norm.shift(), norm.scale(), b.y, b.rows, b.features,
            b.targetWidth);
      }
      float[] x = new float[b.bytes.length];
      b.copyRows(0, b.rows, x, 0);
      norm.apply(x, b.rows);
      return new Block(x, b.y, b.rows, b.features, b.targetWidth);
    }
    float[] raw = b.x;
    boolean small = storage != Storage.FLOAT32 && bytesOnly(raw);
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
    if (storage == Storage.BF16) {
      short[] h = new short[x.length];
      for (int i = 0; i < x.length; i++) {
        h[i] = bf16(x[i]);
      }
      return new Block(h, b.y, b.rows, b.features, b.targetWidth);
    }
    return new Block(x, b.y, b.rows, b.features, b.targetWidth);
  }

  /** v rounded to the nearest bfloat16 (ties to even), as its 16 bits; v is finite. */
  static short bf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }

  /** The float32 of a bfloat16's bits (exact). */
  static float widen(short h) {
    return Float.intBitsToFloat(h << 16);
  }

  /** Whether the features are held as bytes. */
  public boolean compact() {
    return bytes != null;
  }

  /** The unsigned byte features of a raw compact block (for packing pieces), else null. */
  byte[] rawBytes() {
    return shift == null ? bytes : null;
  }

  /** Whether the features are held as bfloat16. */
  public boolean half() {
    return halves != null;
  }

  /**
   * Bytes held per row: the features (1, 2 or 4 bytes each) and the targets (4 bytes each).
   */
  public int bytesPerRow() {
    return features * (compact() ? 1 : half() ? 2 : 4) + 4 * targetWidth;
  }

  /**
   * The scaled features of a plain block (for code that reads the whole array); a compact or
   * half block has none: read its rows with {@link #copyRows} or {@link #gather}.
   */
  public float[] x() {
    if (x == null) {
      throw new IllegalStateException("a compact or half block's features are not floats: "
          + "use copyRows");
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
    if (x != null) {
      System.arraycopy(x, from * features, dst, dstOff, n * features);
      return;
    }
    for (int r = 0; r < n; r++) {
      widen(from + r, dst, dstOff + r * features);
    }
  }

  private void widen(int row, float[] dst, int off) {
    int o = row * features;
    if (halves != null) {
      for (int j = 0; j < features; j++) {
        dst[off + j] = widen(halves[o + j]);
      }
      return;
    }
    if (shift == null) {
      for (int j = 0; j < features; j++) {
        dst[off + j] = bytes[o + j] & 0xFF;
      }
      return;
    }
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
      if (x != null) {
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
    if (halves != null) {
      return new Block(Arrays.copyOf(halves, m * features), hy, m, features, targetWidth);
    }
    return bytes == null ? new Block(Arrays.copyOf(x, m * features), hy, m, features,
        targetWidth) : new Block(Arrays.copyOf(bytes, m * features), shift, scale, hy, m,
        features, targetWidth);
  }

  /** The rows as a dataset of scaled floats (a compact block is widened). */
  public Dataset asDataset() {
    if (x != null) {
      return new Dataset(x, y, rows, features, targetWidth);
    }
    float[] all = new float[rows * features];
    copyRows(0, rows, all, 0);
    return new Dataset(all, y, rows, features, targetWidth);
  }
}
