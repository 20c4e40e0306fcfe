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
  MSE(List.of("mse", "squared_error"));

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
    throw new IllegalArgumentException("unknown loss '" + s + "' (softmax_ce, sigmoid_bce, mse)");
  }

  /** The canonical name (softmax_ce, sigmoid_bce, mse), as the model file stores it. */
  @Override
  public String toString() {
    return names.get(0);
  }
}
