package org.sparkprop.driver.eval;

import java.io.BufferedOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.loss.Loss;
import org.sparkprop.trainer.loss.LossKind;
import org.sparkprop.trainer.loss.SoftmaxCrossEntropy;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.train.Evaluation;

/**
 * Distributed evaluation and prediction: the parameters are broadcast once, each task runs
 * the model in evaluation mode over its block in chunks, and only the sums come back to the
 * driver. Predictions stay on the executors until they are written ({@link Classes}, and
 * Parquet written by the executors themselves).
 */
public final class Evaluator {
  private static final int CHUNK = 512;

  private Evaluator() {}

  /** Loss/accuracy sums and the confusion matrix of (p, s) on data. */
  public static EvalSums sums(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s) {
    Broadcast<Weights> bc = sc.broadcast(new Weights(p, s));
    try {
      int k = spec.outputs();
      boolean classes = spec.loss() == LossKind.SOFTMAX_CE;
      return data.mapPartitions((Iterator<Block> it) -> {
        Weights w = bc.value();
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
            float[] out = mlp.forward(w.params(), w.state(), xb, m, false);
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
    return new Evaluation(e.rows == 0 ? Double.NaN : e.lossSum / e.rows,
        spec.loss().create().accuracy(e.correct, e.rows, spec.outputs()), e.rows);
  }

  /**
   * The model's outputs for one block, rows in order: with {@code probabilities} false one
   * argmax class per row (K ≥ 2; for K = 1 the output thresholded at 0.5) as a float,
   * otherwise the K outputs (probabilities or values) per row.
   */
  public static float[] outputs(MlpSpec spec, Weights w, Block b, boolean probabilities) {
    int k = spec.outputs();
    Mlp mlp = new Mlp(spec, CHUNK);
    int f = b.features();
    float[] res = new float[b.rows() * (probabilities ? k : 1)];
    float[] xb = new float[CHUNK * f];
    float[] probs = new float[CHUNK * k];
    for (int start = 0; start < b.rows(); start += CHUNK) {
      int m = Math.min(CHUNK, b.rows() - start);
      System.arraycopy(b.x(), start * f, xb, 0, m * f);
      mlp.predict(w.params(), w.state(), xb, m, probs);
      if (probabilities) {
        System.arraycopy(probs, 0, res, start * k, m * k);
        continue;
      }
      for (int r = 0; r < m; r++) {
        res[start + r] = classOf(probs, r, k);
      }
    }
    return res;
  }

  /** The predicted class of row r of K outputs. */
  public static int classOf(float[] out, int r, int k) {
    return k == 1 ? (out[r] >= 0.5f ? 1 : 0) : SoftmaxCrossEntropy.argmax(out, r * k, k);
  }

  /**
   * Predicted classes of data (blocks in input order), computed by one parallel job and kept
   * on the executors (4 bytes per row); {@link #lines} fetches them one partition at a time,
   * so the driver never holds them all. Close to release them.
   */
  public static final class Classes implements AutoCloseable {
    private final Broadcast<Weights> bc;
    private final JavaRDD<float[]> rdd;
    private final long rows;

    Classes(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec, float[] p, float[] s) {
      bc = sc.broadcast(new Weights(p, s));
      Broadcast<Weights> b = bc;
      rdd = data.map(block -> outputs(spec, b.value(), block, false)).setName("predictions");
      rdd.persist(StorageLevel.MEMORY_AND_DISK());
      rows = rdd.map(a -> (long) a.length).fold(0L, Long::sum);
    }

    public long rows() {
      return rows;
    }

    /** One class per line, in input order (the course's prediction format). */
    public Fs.Content lines() {
      return out -> {
        Writer w = new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16),
            StandardCharsets.US_ASCII);
        Iterator<float[]> it = rdd.toLocalIterator();
        while (it.hasNext()) {
          for (float c : it.next()) {
            w.write(Integer.toString((int) c));
            w.write('\n');
          }
        }
        w.flush();
      };
    }

    @Override
    public void close() {
      rdd.unpersist(false);
      bc.destroy();
    }
  }

  /** See {@link Classes}. */
  public static Classes classes(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s) {
    return new Classes(sc, data, spec, p, s);
  }
}
