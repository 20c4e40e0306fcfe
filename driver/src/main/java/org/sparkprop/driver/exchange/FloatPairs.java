package org.sparkprop.driver.exchange;

/**
 * A double carried as two floats (high part and remainder: about 48 significant bits), so
 * sums that need more than fp32 (the loss sum, the squared gradient norm) travel in a float
 * buffer and are added by the fp32 collective with little loss.
 */
final class FloatPairs {
  private FloatPairs() {}

  /** Writes v as a pair into dst[off, off + 2). */
  static void split(double v, float[] dst, int off) {
    float hi = (float) v;
    dst[off] = hi;
    dst[off + 1] = (float) (v - hi);
  }

  /** The value of the pair at a[off]. */
  static double join(float[] a, int off) {
    return (double) a[off] + a[off + 1];
  }
}
