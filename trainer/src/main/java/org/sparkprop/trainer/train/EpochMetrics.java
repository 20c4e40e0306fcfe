package org.sparkprop.trainer.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.trainer.loss.Task;

/**
 * One epoch: mean training loss and accuracy over its minibatches (training mode), validation
 * loss and accuracy (evaluation mode; NaN without a validation set or for regression), the
 * learning rate at its end, wall seconds, training samples per second, the mean gradient norm,
 * and the task's measures by name (e.g. train_rmse, validation_rmse, validation_r2,
 * validation_micro_f1; empty for classification).
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy,
    double validationLoss, double validationAccuracy, double lr, double seconds,
    double samplesPerSecond, double gradNorm, Map<String, Double> task) {

  public EpochMetrics {
    task = Collections.unmodifiableMap(new LinkedHashMap<>(task));
  }

  /** An epoch without task measures. */
  public EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
      double validationAccuracy, double lr, double seconds, double samplesPerSecond,
      double gradNorm) {
    this(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, lr, seconds,
        samplesPerSecond, gradNorm, Map.of());
  }

  /**
   * The task measures of an epoch: the training RMSE from the mean training loss for squared
   * error over k outputs (√(2·loss/k): the loss is ½Σ per row), then the validation set's
   * measures prefixed validation_.
   */
  public static Map<String, Double> taskMeasures(Task task, double trainLoss, int k,
      Evaluation val) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (task == Task.REGRESSION) {
      m.put("train_rmse", Math.sqrt(2 * trainLoss / k));
    }
    val.metrics().forEach((name, v) -> m.put("validation_" + name, v));
    return m;
  }

  /**
   * One log line (regression: RMSE instead of accuracy; multi-label: subset accuracy); without
   * a validation set (its loss NaN) the line has no validation part.
   */
  public String line() {
    String train = String.format(Locale.ROOT, "acc %.4f", trainAccuracy);
    String val = String.format(Locale.ROOT, "acc %.4f", validationAccuracy);
    if (task.containsKey("train_rmse")) {
      train = String.format(Locale.ROOT, "rmse %.4f", task.get("train_rmse"));
      val = String.format(Locale.ROOT, "rmse %.4f r2 %.4f",
          task.getOrDefault("validation_rmse", Double.NaN),
          task.getOrDefault("validation_r2", Double.NaN));
    } else if (task.containsKey("validation_subset_accuracy")) {
      val = String.format(Locale.ROOT, "acc %.4f subset %.4f f1 %.4f", validationAccuracy,
          task.get("validation_subset_accuracy"), task.get("validation_micro_f1"));
    }
    String validation = Double.isNaN(validationLoss) ? ""
        : String.format(Locale.ROOT, " | val loss %.4f %s", validationLoss, val);
    return String.format(Locale.ROOT,
        "epoch %3d | train loss %.4f %s%s | lr %.2e | %.2f s | %.0f samples/s",
        epoch, trainLoss, train, validation, lr, seconds, samplesPerSecond);
  }
}
