package org.sparkprop.driver.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.data.Block;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.loss.SoftmaxCrossEntropy;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.train.Evaluation;

/**
 * Distributed evaluation and prediction: the parameters are broadcast once, each task runs
 * the model in evaluation mode over its block in chunks, and the sums (or, for prediction,
 * the per-block results in partition order) come back to the driver.
 */
public final class Evaluator {
  private static final int CHUNK = 512;

  private Evaluator() {}

  /** Loss/accuracy sums and the confusion matrix of (p, s) on data. */
  public static EvalSums sums(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s) {
    Broadcast<float[][]> bc = sc.broadcast(new float[][] {p, s});
    try {
      int k = spec.outputs();
      boolean classes = Loss.parse(spec.loss()) instanceof SoftmaxCrossEntropy;
      return data.mapPartitions((Iterator<Block> it) -> {
        float[][] ps = bc.value();
        Mlp mlp = null;
        Loss loss = null;
        EvalSums sum = new EvalSums(0, 0, 0, new long[classes ? k * k : 0]);
        float[] xb = null;
        float[] yb = null;
        while (it.hasNext()) {
          Block b = it.next();
          if (mlp == null) {
            mlp = new Mlp(spec, CHUNK);
            loss = mlp.loss();
            xb = new float[CHUNK * b.features()];
            yb = new float[CHUNK * b.targetWidth()];
          }
          int f = b.features();
          int tw = b.targetWidth();
          for (int start = 0; start < b.rows(); start += CHUNK) {
            int m = Math.min(CHUNK, b.rows() - start);
            System.arraycopy(b.x(), start * f, xb, 0, m * f);
            System.arraycopy(b.y(), start * tw, yb, 0, m * tw);
            float[] out = mlp.forward(ps[0], ps[1], xb, m, false);
            sum.lossSum += loss.loss(out, yb, m, k);
            sum.correct += loss.correct(out, yb, m, k);
            if (classes) {
              for (int r = 0; r < m; r++) {
                sum.confusion[(int) yb[r] * k + SoftmaxCrossEntropy.argmax(out, r * k, k)]++;
              }
            }
          }
          sum.rows += b.rows();
        }
        return List.of(sum).iterator();
      }).reduce(EvalSums::merge);
    } finally {
      bc.destroy();
    }
  }

  /** Mean loss and accuracy, as the single-machine trainer reports them. */
  public static Evaluation evaluate(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s) {
    return evaluation(sums(sc, data, spec, p, s), spec);
  }

  /** Mean loss and accuracy from evaluation sums. */
  public static Evaluation evaluation(EvalSums e, MlpSpec spec) {
    int ppr = Loss.parse(spec.loss()).predictionsPerRow(spec.outputs());
    return new Evaluation(e.rows == 0 ? Double.NaN : e.lossSum / e.rows,
        ppr == 0 || e.rows == 0 ? Double.NaN : (double) e.correct / (e.rows * ppr), e.rows);
  }

  /**
   * The model's outputs in input order: with {@code probabilities} false, one argmax class per
   * row (K ≥ 2) as a float; otherwise the K output probabilities/values per row.
   */
  public static float[] predict(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s, boolean probabilities) {
    Broadcast<float[][]> bc = sc.broadcast(new float[][] {p, s});
    try {
      int k = spec.outputs();
      List<float[]> parts = data.map(b -> {
        float[][] ps = bc.value();
        Mlp mlp = new Mlp(spec, CHUNK);
        int f = b.features();
        int width = probabilities ? k : 1;
        float[] res = new float[b.rows() * width];
        float[] xb = new float[CHUNK * f];
        float[] probs = new float[CHUNK * k];
        for (int start = 0; start < b.rows(); start += CHUNK) {
          int m = Math.min(CHUNK, b.rows() - start);
          System.arraycopy(b.x(), start * f, xb, 0, m * f);
          mlp.predict(ps[0], ps[1], xb, m, probs);
          for (int r = 0; r < m; r++) {
            if (probabilities) {
              System.arraycopy(probs, r * k, res, (start + r) * k, k);
            } else {
              res[start + r] = k == 1 ? (probs[r] >= 0.5f ? 1 : 0)
                  : SoftmaxCrossEntropy.argmax(probs, r * k, k);
            }
          }
        }
        return res;
      }).collect();
      int total = 0;
      for (float[] a : parts) {
        total += a.length;
      }
      float[] all = new float[total];
      int off = 0;
      for (float[] a : new ArrayList<>(parts)) {
        System.arraycopy(a, 0, all, off, a.length);
        off += a.length;
      }
      return all;
    } finally {
      bc.destroy();
    }
  }
}
