package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * An output activation fused with its loss, so the gradient with respect to the raw outputs
 * (logits) is the simple, stable form (ŷ − y for both cross-entropies).
 *
 * <p>B = batch rows, K = outputs, T = {@link #targetWidth(int)}: targets are (B, T) floats —
 * a class index per row for softmax cross-entropy, K values otherwise.
 */
public interface Loss {
  /**
   * Returns the SUM over rows of the per-row loss of raw outputs out (B,K) against targets
   * (B,T), and overwrites dOut (B,K) with ∂(sum)/∂out. dOut may not be out.
   */
  double lossAndGrad(float[] out, float[] targets, float[] dOut, int batch, int k);

  /** Loss sum only, no gradient. */
  double loss(float[] out, float[] targets, int batch, int k);

  /** The activation that turns raw outputs into predictions (softmax, sigmoid, identity). */
  Activation outputActivation();

  /** Target values per row for K outputs; by default K (one target per output). */
  default int targetWidth(int k) {
    return k;
  }

  /**
   * Number of correct predictions in the batch (classes or labels), see
   * {@link #predictionsPerRow}.
   */
  long correct(float[] out, float[] targets, int batch, int k);

  /** Predictions per row that {@link #correct} counts: 1 (class), K (labels) or 0 (regression). */
  int predictionsPerRow(int k);

  /**
   * Accuracy from {@link #correct}'s count over rows rows of K outputs: correct / (rows ×
   * predictions per row); NaN for regression or without rows. The one accuracy rule of the
   * trainer, the Spark workers and the evaluator.
   */
  default double accuracy(long correct, long rows, int k) {
    int perRow = predictionsPerRow(k);
    return perRow == 0 || rows == 0 ? Double.NaN : (double) correct / (rows * perRow);
  }

  /** Checks targets (B,T) for this loss; throws IllegalArgumentException naming the row. */
  void validateTargets(float[] targets, int rows, int k);

  String name();

  /** The loss a name or alias names, see {@link LossKind#parse}. */
  static Loss parse(String s) {
    return LossKind.parse(s).create();
  }
}
