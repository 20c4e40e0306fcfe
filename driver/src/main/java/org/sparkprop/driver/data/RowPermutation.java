package org.sparkprop.driver.data;

import java.io.Serializable;
import org.sparkprop.trainer.rng.Rng;

/**
 * A seeded pseudo-random permutation of the row numbers [0, n) that any executor evaluates for
 * any row on its own, with no table of n entries anywhere: a 4-round Feistel network on the
 * smallest even bit width covering n, with cycle walking (values ≥ n are encrypted again until
 * they fall in range; a bijection on the larger domain restricted this way stays a bijection
 * on [0, n)). On average fewer than 4 rounds of walking per row.
 */
public final class RowPermutation implements Serializable {
  private static final long serialVersionUID = 1L;
  private long n;
  private int half;
  private long mask;
  private long[] keys;

  public RowPermutation(long n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("a permutation of " + n + " rows");
    }
    this.n = n;
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    this.half = Math.max(1, (bits + 1) / 2);
    this.mask = (1L << half) - 1;
    this.keys = new long[4];
    long s = seed;
    for (int k = 0; k < keys.length; k++) {
      s += 0x9E3779B97F4A7C15L;
      keys[k] = Rng.mix(s);
    }
  }

  /** Rows permuted. */
  public long size() {
    return n;
  }

  /** The position of row i in the permuted order, in [0, n). */
  public long apply(long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("row " + i + " of " + n);
    }
    long x = i;
    do {
      x = encrypt(x);
    } while (x >= n);
    return x;
  }

  private long encrypt(long x) {
    long l = x >>> half;
    long r = x & mask;
    for (long k : keys) {
      long t = l ^ (Rng.mix(r ^ k) & mask);
      l = r;
      r = t;
    }
    return (l << half) | r;
  }
}
