package org.sparkprop.driver.train;

import java.util.Locale;

/**
 * How {@code --lr} grows with the number of workers P (the global batch is P × --batch):
 * linearly (Goyal et al., 2017: "Accurate, Large Minibatch SGD"), with the square root
 * (Krizhevsky, 2014: "One weird trick"), or not at all.
 */
public enum LrScaling {
  LINEAR, SQRT, NONE;

  /** The factor for P workers. */
  public double factor(int workers) {
    return switch (this) {
      case LINEAR -> workers;
      case SQRT -> Math.sqrt(workers);
      case NONE -> 1;
    };
  }

  /** The command line's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
