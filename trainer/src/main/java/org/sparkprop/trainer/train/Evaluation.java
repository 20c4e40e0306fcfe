package org.sparkprop.trainer.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean loss and accuracy of a model on a dataset (accuracy NaN for regression), with the
 * task's own measures ({@link TaskMetrics#values}: empty for classification).
 */
public record Evaluation(double loss, double accuracy, long rows, Map<String, Double> metrics) {
  public Evaluation {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** Loss and accuracy only. */
  public Evaluation(double loss, double accuracy, long rows) {
    this(loss, accuracy, rows, Map.of());
  }

  /** Nothing evaluated (no validation set). */
  public static Evaluation none() {
    return new Evaluation(Double.NaN, Double.NaN, 0);
  }
}
