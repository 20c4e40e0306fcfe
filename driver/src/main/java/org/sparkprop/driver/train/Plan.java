package org.sparkprop.driver.train;

import java.io.Serializable;

/**
 * One epoch's schedule as the workers see it: which epoch, the local step to start at (after a
 * resume), the step to stop before (the epoch's end, or earlier with a step budget), steps per epoch, rows per shard per epoch, steps per sync (1 for gradient sync, k
 * for parameter averaging), the schedule's total, where the driver's exchange listens, and
 * which of the driver's tries of this epoch it is.
 */
record Plan(int epoch, int firstStep, int endStep, int stepsPerEpoch, int rowsPerEpoch, int stepsPerSync,
    boolean averageParams, long totalSteps, String host, int port, long token,
    int timeoutMillis, int attempt) implements Serializable {

  /** The same epoch's plan for the driver's attempt-th try (0 = first). */
  Plan withAttempt(int a) {
    return new Plan(epoch, firstStep, endStep, stepsPerEpoch, rowsPerEpoch, stepsPerSync,
        averageParams, totalSteps, host, port, token, timeoutMillis, a);
  }

  /** Global step number (1-based) of local step j of this epoch. */
  long globalStep(int j) {
    return (long) (epoch - 1) * stepsPerEpoch + j + 1;
  }

  /** Steps in the sync that starts at local step j. */
  int stepsInSync(int j) {
    return Math.min(stepsPerSync, endStep - j);
  }
}
