package org.sparkprop.trainer.loss;

import java.util.List;
import java.util.Locale;

/**
 * The losses a network can be trained with ({@code --loss}), each fused with its output
 * activation: the name the model file stores and the command line takes (with aliases), and
 * the {@link Loss} that computes it.
 */
public enum LossKind {
  /** Softmax + categorical cross-entropy: one class per row. */
  SOFTMAX_CE(List.of("softmax_ce", "cross_entropy", "ce")),
  /** Sigmoid + binary cross-entropy per output: binary and multi-label targets. */
  SIGMOID_BCE(List.of("sigmoid_bce", "bce", "binary_cross_entropy")),
  /** Identity + squared error (½Σ per row): regression. */
  MSE(List.of("mse", "squared_error")),
  /** Sigmoid + squared error per output (the notes' first derivation): targets in [0, 1]. */
  SIGMOID_MSE(List.of("sigmoid_mse", "sigmoid_squared_error"));

  private final List<String> names;

  LossKind(List<String> names) {
    this.names = names;
  }

  /** The loss's computation (stateless). */
  public Loss create() {
    return switch (this) {
      case SOFTMAX_CE -> new SoftmaxCrossEntropy();
      case SIGMOID_BCE -> new SigmoidBinaryCrossEntropy();
      case MSE -> new MeanSquaredError();
      case SIGMOID_MSE -> new SigmoidSquaredError();
    };
  }

  /** The loss a name or alias (any case) names; the message lists the names. */
  public static LossKind parse(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    for (LossKind k : values()) {
      if (k.names.contains(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown loss '" + s + "' (softmax_ce, sigmoid_bce, mse, "
        + "sigmoid_mse)");
  }

  /**
   * The loss of this kind over output activation output (softmax, sigmoid, identity), where
   * the pair is one the trainer computes: softmax only with cross-entropy (fused), the
   * cross-entropy over sigmoids is sigmoid_bce, squared error takes identity or sigmoid
   * outputs.
   */
  public LossKind withOutput(String output) {
    String o = output.trim().toLowerCase(Locale.ROOT);
    LossKind pair = switch (o) {
      case "softmax" -> this == SOFTMAX_CE ? SOFTMAX_CE : null;
      case "sigmoid" -> this == SIGMOID_BCE || this == SIGMOID_MSE ? this
          : this == MSE ? SIGMOID_MSE : null;
      case "identity" -> this == MSE ? MSE : null;
      default -> throw new IllegalArgumentException("unknown output activation '" + output
          + "' (softmax, sigmoid, identity)");
    };
    if (pair == null) {
      throw new IllegalArgumentException(o + " outputs do not go with " + this + ": softmax "
          + "takes softmax_ce, sigmoid takes sigmoid_bce or mse, identity takes mse");
    }
    return pair;
  }

  /** The canonical name (softmax_ce, sigmoid_bce, mse, sigmoid_mse), as model files store it. */
  @Override
  public String toString() {
    return names.get(0);
  }
}
