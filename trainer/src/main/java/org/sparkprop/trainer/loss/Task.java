package org.sparkprop.trainer.loss;

import java.util.List;
import java.util.Locale;

/**
 * What a network's outputs mean, and so how its targets are given, which losses fit, what is
 * predicted and what is measured ({@code --task}):
 * <ul>
 *   <li>classification: one class index per row. With softmax cross-entropy one output per
 *       class; with a per-output loss (sigmoid BCE one-vs-rest, squared error) the index is
 *       one-hot encoded over the K outputs, or, with a single output, is the binary target
 *       (classes 0 and 1). The prediction is the arg-max (a single output: ≥ 0.5).</li>
 *   <li>regression: K real targets per row, squared error with identity (or sigmoid) outputs;
 *       predictions are the outputs.</li>
 *   <li>multilabel: K binary targets per row, one sigmoid per output; a row's prediction is
 *       the set of labels whose probability reaches the threshold.</li>
 * </ul>
 */
public enum Task {
  CLASSIFICATION(List.of("classification", "classify")),
  REGRESSION(List.of("regression", "regress")),
  MULTILABEL(List.of("multilabel", "multi_label", "multi-label"));

  private final List<String> names;

  Task(List<String> names) {
    this.names = names;
  }

  /** The task a name or alias (any case) names; the message lists the names. */
  public static Task parse(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    for (Task t : values()) {
      if (t.names.contains(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task '" + s
        + "' (classification, regression, multilabel)");
  }

  /**
   * The task a network trained with loss alone implies (model files and specs from before
   * tasks were named): softmax classifies, the per-output losses took K targets per row.
   */
  public static Task impliedBy(LossKind loss) {
    return switch (loss) {
      case SOFTMAX_CE -> CLASSIFICATION;
      case SIGMOID_BCE -> MULTILABEL;
      case MSE, SIGMOID_MSE -> REGRESSION;
    };
  }

  /** The loss used when none is named, for k outputs. */
  public LossKind defaultLoss(int k) {
    return switch (this) {
      case CLASSIFICATION -> k == 1 ? LossKind.SIGMOID_BCE : LossKind.SOFTMAX_CE;
      case REGRESSION -> LossKind.MSE;
      case MULTILABEL -> LossKind.SIGMOID_BCE;
    };
  }

  /** Target values per row the readers give for k outputs: a class index, or k values. */
  public int targetWidth(int k) {
    return this == CLASSIFICATION ? 1 : k;
  }

  /** Whether loss fits this task with k outputs; the message says what does. */
  public void checkLoss(LossKind loss, int k) {
    switch (this) {
      case CLASSIFICATION -> {
        if (loss == LossKind.SOFTMAX_CE && k == 1) {
          throw new IllegalArgumentException("softmax_ce needs one output per class (2 or "
              + "more); for binary classification with one output use sigmoid_bce");
        }
      }
      case REGRESSION -> {
        if (loss != LossKind.MSE && loss != LossKind.SIGMOID_MSE) {
          throw new IllegalArgumentException("regression is fitted with squared error (mse, "
              + "or sigmoid_mse for targets in [0, 1]), not " + loss);
        }
      }
      case MULTILABEL -> {
        if (loss == LossKind.SOFTMAX_CE) {
          throw new IllegalArgumentException("multilabel targets need one independent output "
              + "per label (sigmoid_bce, sigmoid_mse or mse), not softmax_ce, whose outputs "
              + "compete");
        }
      }
      default -> throw new IllegalStateException(name());
    }
  }

  /** The canonical name (classification, regression, multilabel), as model files store it. */
  @Override
  public String toString() {
    return names.get(0);
  }
}
