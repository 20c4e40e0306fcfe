package org.sparkprop.trainer.train;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkprop.trainer.loss.Task;

/**
 * The measures that fit a task beyond loss and accuracy, as sums that merge across batches and
 * partitions (so the distributed evaluation reduces them and gets what one pass would):
 * <ul>
 *   <li>regression over K outputs: RMSE and MAE over every element, and R² per output
 *       (1 − SSE/SST about the output's mean; 1 for a constant target predicted exactly, else
 *       0 where SST is 0), averaged uniformly over the outputs;</li>
 *   <li>multi-label over K labels, a label predicted where its probability reaches the
 *       threshold: subset accuracy (rows whose whole label set is right), Hamming loss (the
 *       fraction of wrong label decisions), micro F1 (from the pooled counts) and macro F1
 *       (the mean of the labels' F1; a label never predicted nor present counts 0);</li>
 *   <li>classification: none here (accuracy and the confusion matrix cover it).</li>
 * </ul>
 * Predictions are the activated outputs: probabilities or values, (B, K).
 */
public final class TaskMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Task task;
  private final int k;
  private final float threshold;
  private final double[] sse;
  private final double[] sae;
  private final double[] sumT;
  private final double[] sumT2;
  private final long[] tp;
  private final long[] fp;
  private final long[] fn;
  private long exactRows;
  private long rows;

  public TaskMetrics(Task task, int k, float threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("the decision threshold must be in (0, 1), got "
          + threshold);
    }
    this.task = task;
    this.k = k;
    this.threshold = threshold;
    int r = task == Task.REGRESSION ? k : 0;
    int m = task == Task.MULTILABEL ? k : 0;
    sse = new double[r];
    sae = new double[r];
    sumT = new double[r];
    sumT2 = new double[r];
    tp = new long[m];
    fp = new long[m];
    fn = new long[m];
  }

  /** Adds batch rows of predictions (B, K) against their targets (B, K). */
  public void add(float[] pred, float[] targets, int batch) {
    if (task == Task.REGRESSION) {
      for (int r = 0; r < batch; r++) {
        for (int j = 0; j < k; j++) {
          double t = targets[r * k + j];
          double d = pred[r * k + j] - t;
          sse[j] += d * d;
          sae[j] += Math.abs(d);
          sumT[j] += t;
          sumT2[j] += t * t;
        }
      }
    } else if (task == Task.MULTILABEL) {
      for (int r = 0; r < batch; r++) {
        boolean exact = true;
        for (int j = 0; j < k; j++) {
          boolean p = pred[r * k + j] >= threshold;
          boolean t = targets[r * k + j] >= 0.5f;
          if (p && t) {
            tp[j]++;
          } else if (p) {
            fp[j]++;
            exact = false;
          } else if (t) {
            fn[j]++;
            exact = false;
          }
        }
        if (exact) {
          exactRows++;
        }
      }
    }
    rows += batch;
  }

  /** Adds o's sums to this one's; returns this. */
  public TaskMetrics merge(TaskMetrics o) {
    if (o.task != task || o.k != k) {
      throw new IllegalArgumentException("metrics of different tasks or widths");
    }
    for (int j = 0; j < sse.length; j++) {
      sse[j] += o.sse[j];
      sae[j] += o.sae[j];
      sumT[j] += o.sumT[j];
      sumT2[j] += o.sumT2[j];
    }
    for (int j = 0; j < tp.length; j++) {
      tp[j] += o.tp[j];
      fp[j] += o.fp[j];
      fn[j] += o.fn[j];
    }
    exactRows += o.exactRows;
    rows += o.rows;
    return this;
  }

  /**
   * Writes the sums to out: their counts follow from the task and width, so
   * {@link #mergeFrom} of a metrics object of the same task and width reads exactly these.
   */
  public void writeTo(DataOutput out) throws IOException {
    for (double[] a : new double[][] {sse, sae, sumT, sumT2}) {
      for (double v : a) {
        out.writeDouble(v);
      }
    }
    for (long[] a : new long[][] {tp, fp, fn}) {
      for (long v : a) {
        out.writeLong(v);
      }
    }
    out.writeLong(exactRows);
    out.writeLong(rows);
  }

  /** Adds the sums {@link #writeTo} wrote (same task and width) to this one's. */
  public void mergeFrom(DataInput in) throws IOException {
    for (double[] a : new double[][] {sse, sae, sumT, sumT2}) {
      for (int j = 0; j < a.length; j++) {
        a[j] += in.readDouble();
      }
    }
    for (long[] a : new long[][] {tp, fp, fn}) {
      for (int j = 0; j < a.length; j++) {
        a[j] += in.readLong();
      }
    }
    exactRows += in.readLong();
    rows += in.readLong();
  }

  public long rows() {
    return rows;
  }

  /**
   * The measures by name (rmse, mae, r2; or subset_accuracy, hamming_loss, micro_f1,
   * macro_f1), in that order; empty for classification, NaN without rows.
   */
  public Map<String, Double> values() {
    Map<String, Double> v = new LinkedHashMap<>();
    double n = rows;
    if (task == Task.REGRESSION) {
      double s = 0;
      double a = 0;
      double r2 = 0;
      for (int j = 0; j < k; j++) {
        s += sse[j];
        a += sae[j];
        double sst = sumT2[j] - sumT[j] * sumT[j] / n;
        r2 += sst > 0 ? 1 - sse[j] / sst : sse[j] == 0 ? 1 : 0;
      }
      v.put("rmse", Math.sqrt(s / (n * k)));
      v.put("mae", a / (n * k));
      v.put("r2", rows == 0 ? Double.NaN : r2 / k);
    } else if (task == Task.MULTILABEL) {
      long tps = 0;
      long fps = 0;
      long fns = 0;
      double macro = 0;
      for (int j = 0; j < k; j++) {
        tps += tp[j];
        fps += fp[j];
        fns += fn[j];
        macro += f1(tp[j], fp[j], fn[j]);
      }
      v.put("subset_accuracy", exactRows / n);
      v.put("hamming_loss", (fps + fns) / (n * k));
      v.put("micro_f1", rows == 0 ? Double.NaN : f1(tps, fps, fns));
      v.put("macro_f1", rows == 0 ? Double.NaN : macro / k);
    }
    return v;
  }

  private static double f1(long tp, long fp, long fn) {
    long d = 2 * tp + fp + fn;
    return d == 0 ? 0 : 2.0 * tp / d;
  }
}
