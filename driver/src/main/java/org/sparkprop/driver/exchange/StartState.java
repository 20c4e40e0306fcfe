package org.sparkprop.driver.exchange;

import java.io.IOException;
import java.util.List;
import org.sparkprop.driver.collective.Collective;
import org.sparkprop.driver.collective.Ring;

/**
 * The ring exchange's start state, scattered by the driver and all-gathered by the tasks: the
 * arrays every task starts from (parameters, state, a shared optimizer state) are one
 * concatenated buffer of m floats; the driver sends task r only the chunk that rank r holds
 * after a reduce-scatter ({@link Ring#chunkStart}), and the tasks' all-gather makes the buffer
 * whole on every task. The driver sends m floats in all whatever the number of tasks (each a
 * P-th), instead of m to each; every task sends and receives (P − 1)/P · m on the ring.
 */
final class StartState {
  private StartState() {}

  /** Floats in the concatenation of parts. */
  static int length(List<float[]> parts) {
    long m = 0;
    for (float[] a : parts) {
      m += a.length;
    }
    if (m > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the start state has " + m + " floats, more than "
          + "one Java array holds");
    }
    return (int) m;
  }

  /** Writes rank's chunk of the concatenation of parts (of size chunks) to w. */
  static void writeChunk(Wire w, List<float[]> parts, int rank, int size) throws IOException {
    int m = length(parts);
    int c = (rank + 1) % size;
    int from = Ring.chunkStart(m, c, size);
    int to = Ring.chunkStart(m, c + 1, size);
    int at = 0;
    for (float[] a : parts) {
      int lo = Math.max(from, at);
      int hi = Math.min(to, at + a.length);
      if (lo < hi) {
        w.writeFloats(a, lo - at, hi - lo);
      }
      at += a.length;
    }
  }

  /** A buffer of m floats with rank's chunk (of size chunks) read from w; zeros elsewhere. */
  static float[] readChunk(Wire w, int m, int rank, int size) throws IOException {
    float[] packed = new float[m];
    int c = (rank + 1) % size;
    int from = Ring.chunkStart(m, c, size);
    w.readFloats(packed, from, Ring.chunkStart(m, c + 1, size) - from);
    return packed;
  }

  /** A task's start state on its way in: its chunk from the driver, the rest from the ring. */
  static final class Incoming {
    private final List<float[]> parts;
    private float[] packed;

    /** Reads rank's chunk (of size chunks) of parts' concatenation from w. */
    Incoming(Wire w, List<float[]> parts, int rank, int size) throws IOException {
      this.parts = parts;
      this.packed = readChunk(w, length(parts), rank, size);
    }

    /** All-gathers the other chunks on ring (joined with the same size) into the parts. */
    void complete(Collective ring) throws IOException {
      ring.allGather(packed, 0, packed.length);
      unpack(packed, parts);
      packed = null;
    }
  }

  /** Copies the whole buffer back into parts, in order. */
  static void unpack(float[] packed, List<float[]> parts) {
    int at = 0;
    for (float[] a : parts) {
      System.arraycopy(packed, at, a, 0, a.length);
      at += a.length;
    }
  }
}
