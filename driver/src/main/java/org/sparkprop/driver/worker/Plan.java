package org.sparkprop.driver.worker;

import java.io.Serializable;

/**
 * One epoch's schedule as the workers see it: which epoch (1-based), the local step to start
 * at (0, or later after a resume), the step to stop before (the epoch's end, or earlier with a
 * step budget), steps per epoch, rows per shard per epoch, local steps per sync (1 for gradient
 * sync, k for parameter averaging), whether parameters are averaged, the run's total step
 * count (for the schedule), and whether every worker uses its whole shard each epoch (full
 * batch: shards may differ by a row, and every row counts).
 */
public record Plan(int epoch, int firstStep, int endStep, int stepsPerEpoch, int rowsPerEpoch,
    int stepsPerSync, boolean averageParams, long totalSteps, boolean wholeShards)
    implements Serializable {

  /** The rows a shard of shardRows rows uses this epoch. */
  public int rowsFor(int shardRows) {
    return wholeShards ? shardRows : rowsPerEpoch;
  }

  /** Global step number (1-based) of local step j of this epoch. */
  public long globalStep(int j) {
    return (long) (epoch - 1) * stepsPerEpoch + j + 1;
  }

  /** Steps in the sync that starts at local step j. */
  public int stepsInSync(int j) {
    return Math.min(stepsPerSync, endStep - j);
  }
}
