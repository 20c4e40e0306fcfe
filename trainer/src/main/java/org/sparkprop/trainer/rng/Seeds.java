package org.sparkprop.trainer.rng;

/**
 * Every random stream of a run is derived from the one user seed, by purpose and position, so a
 * run can be replayed and a stream does not depend on how many numbers another stream drew.
 */
public final class Seeds {
  /** What a stream is for. Values are stable: they enter derived seeds and so saved runs. */
  public enum Purpose { INIT, SHUFFLE, VALIDATION_SPLIT, DROPOUT, DATA, MC_DROPOUT }

  private Seeds() {}

  /** The seed of stream (purpose, a, b) under the run's seed. */
  public static long derive(long seed, Purpose purpose, long a, long b) {
    long z = Rng.mix(seed ^ 0x5EED5EED5EEDL);
    z = Rng.mix(z + purpose.ordinal() * 0x9E3779B97F4A7C15L);
    z = Rng.mix(z + a * 0xC2B2AE3D27D4EB4FL);
    return Rng.mix(z + b * 0x165667B19E3779F9L);
  }
}
