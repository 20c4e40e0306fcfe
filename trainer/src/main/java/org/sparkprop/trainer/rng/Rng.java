package org.sparkprop.trainer.rng;

/**
 * A small, fast, re-seedable generator (SplitMix64, Steele et al. 2014, the generator behind
 * {@link java.util.SplittableRandom}). Unlike SplittableRandom it can be re-seeded in place, so
 * a per-step stream (dropout masks, shuffles) costs no allocation.
 */
public final class Rng {
  /** SplitMix64's increment: draw i (0-based) after reseed(s) is mix(s + (i + 1)·GOLDEN). */
  public static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** Restarts the stream at a new seed. */
  public void reseed(long seed) {
    this.state = seed;
  }

  /** The SplitMix64 finaliser: a bijective 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    return mix(state += GOLDEN);
  }

  /** Uniform in [0, 1) with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive");
    }
    // Lemire's multiply-shift; the bias for bounds far below 2^32 is negligible here.
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Standard normal by Box–Muller (the second value is discarded to keep the stream simple). */
  public double nextGaussian() {
    double u = 1 - nextDouble();
    double v = nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle of idx[0..n). */
  public void shuffle(int[] idx, int n) {
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
  }
}
