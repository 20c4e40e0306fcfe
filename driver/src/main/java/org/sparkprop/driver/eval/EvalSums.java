package org.sparkprop.driver.eval;

import java.io.Serializable;
import org.sparkprop.trainer.train.TaskMetrics;

/**
 * Evaluation sums of one or more partitions: loss sum, correct predictions, rows, predictions
 * per row (for the accuracy denominator), for single-label classification the K×K
 * confusion counts (row = true class, column = predicted), row-major, and the task's measures
 * (regression, multi-label).
 */
public final class EvalSums implements Serializable {
  private static final long serialVersionUID = 1L;
  double lossSum;
  long correct;
  long rows;
  long[] confusion;
  TaskMetrics task;

  EvalSums(double lossSum, long correct, long rows, long[] confusion, TaskMetrics task) {
    this.lossSum = lossSum;
    this.correct = correct;
    this.rows = rows;
    this.confusion = confusion;
    this.task = task;
  }

  EvalSums merge(EvalSums o) {
    lossSum += o.lossSum;
    correct += o.correct;
    rows += o.rows;
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += o.confusion[i];
    }
    task.merge(o.task);
    return this;
  }

  /** The K×K confusion counts (a copy; empty unless single-label classification). */
  public long[] confusion() {
    return confusion.clone();
  }
}
