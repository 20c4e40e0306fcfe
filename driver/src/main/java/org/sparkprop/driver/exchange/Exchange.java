package org.sparkprop.driver.exchange;

import java.util.Locale;

/** How the numbers of a sync move between executors and driver ({@code --exchange}). */
public enum Exchange {
  /**
   * One Spark barrier stage per epoch whose tasks keep a TCP connection to the driver and
   * exchange sums and parameters every sync: no Spark job per step.
   */
  DIRECT,
  /**
   * One Spark barrier stage for all epochs (one per epoch when the driver must run Spark jobs
   * between them) whose tasks all-reduce every sync among themselves over a ring, take the
   * optimizer step themselves and evaluate their validation shards; the driver only starts
   * the stage and receives the epochs' totals, checkpoints, end states and validation sums.
   */
  RING,
  /**
   * One Spark job per step (broadcast the parameters, treeReduce the sums, destroy the
   * broadcast), as Spark MLlib's optimisers do. Gradient sync only.
   */
  SPARK;

  /** The command line's spelling. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
