package org.sparkprop.driver.collective;

/**
 * Values between a frame's buffer and the ranges of an array that {@link Pieces} walks, for
 * both kinds of link ({@link PeerChannel} over TCP, {@link SharedMemory}): as bfloat16 out,
 * back to floats (added or overwritten) and floats added in.
 */
final class FrameValues {
  private FrameValues() {}

  /** The next m values pieces walks in a, as bfloat16 into h[0, m). */
  static void takeHalves(float[] a, Pieces pieces, int m, short[] h) {
    for (int f = 0, k; f < m; f += k) {
      k = pieces.take(m - f);
      int o = pieces.at();
      for (int i = 0; i < k; i++) {
        h[f + i] = PeerChannel.toBf16(a[o + i]);
      }
    }
  }

  /** h[0, m) as floats into (add: added to) the next m values pieces walks in a. */
  static void putHalves(short[] h, int m, float[] a, Pieces pieces, boolean add) {
    for (int f = 0, k; f < m; f += k) {
      k = pieces.take(m - f);
      int o = pieces.at();
      if (add) {
        for (int i = 0; i < k; i++) {
          a[o + i] = PeerChannel.fromBf16(h[f + i]) + a[o + i];
        }
      } else {
        for (int i = 0; i < k; i++) {
          a[o + i] = PeerChannel.fromBf16(h[f + i]);
        }
      }
    }
  }

  /** x[0, m) added to the next m values pieces walks in a (a[j] = x + a[j]). */
  static void addFloats(float[] x, int m, float[] a, Pieces pieces) {
    for (int f = 0, k; f < m; f += k) {
      k = pieces.take(m - f);
      int o = pieces.at();
      for (int i = 0; i < k; i++) {
        a[o + i] = x[f + i] + a[o + i];
      }
    }
  }
}
