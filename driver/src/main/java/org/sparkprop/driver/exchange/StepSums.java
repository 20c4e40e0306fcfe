package org.sparkprop.driver.exchange;

import java.io.Serializable;

/**
 * What one Spark task returns in the Spark-job-per-step exchange, and how two are merged: the
 * gradient SUM (n), the model state weighted by rows (S), the loss sum, correct predictions,
 * rows, and the slowest task's compute nanoseconds. Three counters and two arrays, one merge.
 */
public final class StepSums implements Serializable {
  private static final long serialVersionUID = 1L;
  float[] grad;
  float[] state;
  double lossSum;
  long correct;
  long rows;
  long computeNanos;

  StepSums(float[] grad, float[] state, double lossSum, long correct, long rows,
      long computeNanos) {
    this.grad = grad;
    this.state = state;
    this.lossSum = lossSum;
    this.correct = correct;
    this.rows = rows;
    this.computeNanos = computeNanos;
  }

  /** Adds o into this; returns this. */
  StepSums merge(StepSums o) {
    for (int i = 0; i < grad.length; i++) {
      grad[i] += o.grad[i];
    }
    for (int i = 0; i < state.length; i++) {
      state[i] += o.state[i];
    }
    lossSum += o.lossSum;
    correct += o.correct;
    rows += o.rows;
    computeNanos = Math.max(computeNanos, o.computeNanos);
    return this;
  }
}
