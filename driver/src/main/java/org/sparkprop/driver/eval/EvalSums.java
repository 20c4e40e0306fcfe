package org.sparkprop.driver.eval;

import java.io.Serializable;

/**
 * Evaluation sums of one or more partitions: loss sum, correct predictions, rows, predictions
 * per row (for the accuracy denominator) and, for single-label classification, the K×K
 * confusion counts (row = true class, column = predicted), row-major.
 */
public final class EvalSums implements Serializable {
  private static final long serialVersionUID = 1L;
  double lossSum;
  long correct;
  long rows;
  long[] confusion;

  EvalSums(double lossSum, long correct, long rows, long[] confusion) {
    this.lossSum = lossSum;
    this.correct = correct;
    this.rows = rows;
    this.confusion = confusion;
  }

  EvalSums merge(EvalSums o) {
    lossSum += o.lossSum;
    correct += o.correct;
    rows += o.rows;
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += o.confusion[i];
    }
    return this;
  }

  /** The K×K confusion counts (a copy; empty unless single-label classification). */
  public long[] confusion() {
    return confusion.clone();
  }
}
