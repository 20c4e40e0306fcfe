package org.sparkprop.driver.train;

import java.util.List;
import org.sparkprop.trainer.train.EpochMetrics;

/**
 * The outcome of {@link SparkTrainer#fit}: the trained parameters and state (the caller's
 * arrays), the per-epoch history, the best epoch (early stopping), whether training stopped
 * early, global steps taken, where the time went (in all, and in each epoch this run trained:
 * a resumed run's restored epochs have none, so the list lines up with the history's end), the
 * monitor set's accuracy after each epoch and the training seconds at each epoch's end.
 */
public record TrainResult(float[] params, float[] state, List<EpochMetrics> history,
    int bestEpoch, boolean stoppedEarly, long steps, Timing timing, List<Timing> epochTiming,
    List<Double> monitorAccuracy, List<Double> trainingSecondsAtEpoch) {

  /** Training samples per second over the whole run. */
  public double samplesPerSecond() {
    double samples = 0;
    double secs = 0;
    for (EpochMetrics m : history) {
      samples += m.samplesPerSecond() * m.seconds();
      secs += m.seconds();
    }
    return secs == 0 ? 0 : samples / secs;
  }
}
