package org.sparkprop.driver.train;

import java.util.Locale;

/**
 * What the workers synchronise ({@code --sync}): two different algorithms, named as such.
 */
public enum Sync {
  /**
   * Gradient averaging every step: each partition computes the gradient SUM over its local
   * batch, the sums are added and divided once by the global example count, and one optimizer
   * step is taken.
   */
  GRADIENT,
  /**
   * Parameter averaging: each partition takes k local optimizer steps on its own shard, then
   * parameters and batch-norm statistics (and, by a flag, optimizer state) are averaged,
   * weighted by example count.
   */
  PARAMS;

  /** The command line's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
