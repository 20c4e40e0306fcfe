package org.sparkprop.trainer.train;

import java.util.Locale;

/**
 * One epoch: mean training loss and accuracy over its minibatches (training mode), validation
 * loss and accuracy (evaluation mode; NaN without a validation set or for regression), the
 * learning rate at its end, wall seconds and training samples per second.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy,
    double validationLoss, double validationAccuracy, double lr, double seconds,
    double samplesPerSecond, double gradNorm) {

  /** One log line. */
  public String line() {
    return String.format(Locale.ROOT,
        "epoch %3d | train loss %.4f acc %.4f | val loss %.4f acc %.4f | lr %.2e | %.2f s"
            + " | %.0f samples/s",
        epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, lr, seconds,
        samplesPerSecond);
  }
}
