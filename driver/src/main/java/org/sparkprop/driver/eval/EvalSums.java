package org.sparkprop.driver.eval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.model.MlpSpec;
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

  /** No rows yet, for spec's task; a multi-label prediction counts from threshold. */
  public static EvalSums empty(MlpSpec spec, float threshold) {
    int k = spec.outputs();
    int c = spec.task() == Task.CLASSIFICATION ? Math.max(2, k) : 0;
    return new EvalSums(0, 0, 0, new long[c * c], new TaskMetrics(spec.task(), k, threshold));
  }

  /**
   * Writes the sums to out; {@link #mergeFrom} of sums for the same network reads exactly
   * these (every count follows from the network, none is read from the stream).
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeDouble(lossSum);
    out.writeLong(correct);
    out.writeLong(rows);
    for (long v : confusion) {
      out.writeLong(v);
    }
    task.writeTo(out);
  }

  /** Adds the sums {@link #writeTo} wrote (for the same network) to these. */
  public void mergeFrom(DataInputStream in) throws IOException {
    lossSum += in.readDouble();
    correct += in.readLong();
    rows += in.readLong();
    for (int i = 0; i < confusion.length; i++) {
      confusion[i] += in.readLong();
    }
    task.mergeFrom(in);
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
