package org.sparkprop.driver.exchange;

import java.io.IOException;
import org.sparkprop.driver.eval.EvalSums;
import org.sparkprop.driver.worker.Plan;

/**
 * The trainer's part between epochs, called by {@link EpochRunner#runEpochs} in epoch order:
 * an epoch's time counts from {@link #starting} to the end {@link #ended} is given.
 */
public interface EpochEnds {
  /** The epoch of plan starts now. */
  void starting(Plan plan);

  /**
   * The epoch of done ended at endNs (System.nanoTime): its history, validation, checkpoint
   * and stopping. validation: the validation set's sums the tasks evaluated at the epoch's
   * end, or null when they did not (the trainer evaluates it itself). Returns the next epoch's
   * plan, or null to stop.
   */
  Plan ended(Plan done, long endNs, EvalSums validation)
      throws IOException, InterruptedException;
}
