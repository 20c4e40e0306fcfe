/**
 * Randomness derived from the one seed of a run, by purpose and position
 * ({@link org.sparkprop.trainer.rng.Seeds}), on SplitMix64 ({@link org.sparkprop.trainer.rng.Rng}).
 */
package org.sparkprop.trainer.rng;
