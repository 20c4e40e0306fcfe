package org.sparkprop.driver.exchange;

import java.io.IOException;
import org.sparkprop.driver.worker.Plan;

/**
 * The driver's part of every sync, as an exchange sees it (the training loop implements it):
 * the arrays workers are sent and sums are read into, the combine-and-update step, and the
 * bookkeeping after a sync. n = parameters, S = model state, O = optimizer state arrays.
 */
public interface DriverSide {
  /** The parameters (n) workers start a sync from. */
  float[] params();

  /** The model state (S) workers start a sync from. */
  float[] state();

  /**
   * Parameter averaging: the optimizer state (O, n) sent to worker q, and where its state is
   * read back to: one shared set when state is averaged, else worker q's own.
   */
  float[][] optimizerState(int q);

  /** Whether parameter averaging averages the optimizer state (else one set per worker). */
  boolean averagesOptimizerState();

  /** A reusable buffer of n floats for a sync's parameter or gradient sums. */
  float[] paramSums();

  /** A reusable buffer of S floats for a sync's state sums. */
  float[] stateSums();

  /**
   * Combines one sync and updates the run. Gradient sync: a = gradient SUM, b = state × rows.
   * Parameter averaging: a = parameters × rows, b = state × rows, and the averaged optimizer
   * state × rows already in {@link #optimizerState}. count = local steps in the sync starting
   * at local step j.
   */
  void combine(float[] a, float[] b, double lossSum, long correct, long rows, Plan plan, int j,
      int count);

  /** After a sync that ends before local step nextStep: mid-epoch checkpoint, progress line. */
  void afterSync(Plan plan, int nextStep) throws IOException;

  /**
   * Syncs the workers combined and stepped themselves (the ring exchange): sofar holds the
   * totals of this epoch's try up to now; they become the epoch's totals, the run advances by
   * the steps and the time and bytes since the last report are added to the run's timing.
   */
  void recordSyncs(SyncTotals sofar);

  /** The progress line, at most every few seconds, after the sync ending before nextStep. */
  void progress(Plan plan, int nextStep);

  /** Global steps taken. */
  long step();

  /** Steps between mid-epoch checkpoints; 0 when the run writes none. */
  int checkpointEvery();

  /** The global step of the last checkpoint written. */
  long lastCheckpointStep();

  /**
   * Writes a checkpoint of the run as {@link #params}, {@link #state} and
   * {@link #optimizerState} now hold it, cursor at local step nextStep of plan's epoch.
   */
  void checkpointAt(Plan plan, int nextStep) throws IOException;

  /**
   * Adds one sync's wall time split (nanoseconds) and the bytes one worker sent and received
   * for it (-1: unknown) to the run's timing.
   */
  void addSyncTime(long computeNs, long communicationNs, long updateNs, long workerBytes);

  /** Remembers the run state at the start of an epoch's try, for {@link #rollBack}. */
  void markEpochStart();

  /** Returns the run state to the last {@link #markEpochStart}, for a retried epoch. */
  void rollBack();

  /** A progress or warning line for the user. */
  void log(String line);
}
