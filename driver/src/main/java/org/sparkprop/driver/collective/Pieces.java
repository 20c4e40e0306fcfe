package org.sparkprop.driver.collective;

/**
 * Ranges a[offs[i], offs[i] + lens[i]) of one array walked as one stream of values, so a
 * channel fills each frame from as many ranges as fit instead of sending one frame or more
 * per range: a sharded step's parameters, a chunk of every bucket, go in as few frames as
 * their total allows. Reused from send to send; holds the caller's arrays, copies nothing.
 */
final class Pieces {
  private int[] offs;
  private int[] lens;
  private int count;
  private int total;
  private int range;
  private int pos;
  private int at;
  private final int[] oneOff = new int[1];
  private final int[] oneLen = new int[1];

  /** Walks ranges 0 … count − 1 of offs and lens from the start. */
  Pieces of(int[] offs, int[] lens, int count) {
    this.offs = offs;
    this.lens = lens;
    this.count = count;
    int t = 0;
    for (int i = 0; i < count; i++) {
      t += lens[i];
    }
    total = t;
    range = 0;
    pos = 0;
    return this;
  }

  /** Walks the single range [off, off + n). */
  Pieces of(int off, int n) {
    oneOff[0] = off;
    oneLen[0] = n;
    return of(oneOff, oneLen, 1);
  }

  /** Values in all the ranges. */
  int total() {
    return total;
  }

  /**
   * Takes the next at most max values that lie in one range and returns how many (0 once all
   * are taken); {@link #at} is where they start.
   */
  int take(int max) {
    while (range < count && pos == lens[range]) {
      range++;
      pos = 0;
    }
    if (range == count) {
      return 0;
    }
    int k = Math.min(max, lens[range] - pos);
    at = offs[range] + pos;
    pos += k;
    return k;
  }

  /** The start, in the array, of the values the last {@link #take} returned. */
  int at() {
    return at;
  }
}
