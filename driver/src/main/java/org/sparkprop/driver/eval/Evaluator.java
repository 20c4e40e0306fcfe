package org.sparkprop.driver.eval;

import java.io.BufferedOutputStream;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.spark.InOrder;
import org.sparkprop.driver.store.Fs;
import org.sparkprop.trainer.loss.SoftmaxCrossEntropy;
import org.sparkprop.trainer.loss.Task;
import org.sparkprop.trainer.loss.TaskLoss;
import org.sparkprop.trainer.model.McDropout;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;
import org.sparkprop.trainer.model.Weights;
import org.sparkprop.trainer.train.Evaluation;

/**
 * Distributed evaluation and prediction: the parameters are broadcast once, each task runs
 * the model in evaluation mode over its block in chunks, and only the sums come back to the
 * driver. Predictions stay on the executors until they are written ({@link Predictions}, and
 * Parquet written by the executors themselves).
 */
public final class Evaluator {
  private static final int CHUNK = 512;

  private Evaluator() {}

  /**
   * Loss/accuracy sums, the confusion matrix and the task's measures of (p, s) on data; a
   * multi-label prediction counts a label from probability threshold. The partitions' sums
   * are added in partition order (not as their tasks finish, as a Spark reduce would), so the
   * floating-point sums are the same bits in every run, and the same as the ring's stage
   * gives when its tasks evaluate their validation shards themselves.
   */
  public static EvalSums sums(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s, float threshold) {
    Broadcast<Weights> bc = sc.broadcast(new Weights(p, s));
    try {
      return InOrder.fold(data.mapPartitions((Iterator<Block> it) -> List.of(
          partitionSums(it, spec, bc.value(), threshold)).iterator()),
          EvalSums.empty(spec, threshold), EvalSums::merge);
    } finally {
      bc.destroy();
    }
  }

  /**
   * The evaluation sums of w over the blocks of one partition, in chunks of rows in
   * evaluation mode (a multi-label prediction counts a label from threshold).
   */
  public static EvalSums partitionSums(Iterator<Block> it, MlpSpec spec, Weights w,
      float threshold) {
    int k = spec.outputs();
    boolean classes = spec.task() == Task.CLASSIFICATION;
    Mlp mlp = null;
    TaskLoss loss = null;
    EvalSums sum = EvalSums.empty(spec, threshold);
    float[] xb = null;
    float[] yb = null;
    float[] pred = null;
    while (it.hasNext()) {
      Block b = it.next();
      if (mlp == null) {
        mlp = new Mlp(spec, CHUNK);
        loss = spec.lossFunction();
        xb = new float[CHUNK * b.features()];
        yb = new float[CHUNK * b.targetWidth()];
        pred = new float[CHUNK * k];
      }
      int tw = b.targetWidth();
      for (int start = 0; start < b.rows(); start += CHUNK) {
        int m = Math.min(CHUNK, b.rows() - start);
        b.copyRows(start, m, xb, 0);
        System.arraycopy(b.y(), start * tw, yb, 0, m * tw);
        float[] out = mlp.forward(w.params(), w.state(), xb, m, false);
        sum.lossSum += loss.loss(out, yb, m, k);
        sum.correct += loss.correct(out, yb, m, k);
        if (classes) {
          int c = Math.max(2, k);
          for (int r = 0; r < m; r++) {
            sum.confusion[(int) yb[r] * c + loss.predictedClass(out, r, k)]++;
          }
        } else {
          loss.outputActivation().forward(out, pred, m, k);
          sum.task.add(pred, yb, m);
        }
      }
      sum.rows += b.rows();
    }
    return sum;
  }

  /** Mean loss, accuracy and the task's measures, as the single-machine trainer reports them. */
  public static Evaluation evaluate(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s, float threshold) {
    return evaluation(sums(sc, data, spec, p, s, threshold), spec);
  }

  /** Mean loss, accuracy and the task's measures from evaluation sums. */
  public static Evaluation evaluation(EvalSums e, MlpSpec spec) {
    return new Evaluation(e.rows == 0 ? Double.NaN : e.lossSum / e.rows,
        spec.lossFunction().accuracy(e.correct, e.rows, spec.outputs()), e.rows,
        e.task.values());
  }

  /** Monte Carlo dropout at prediction: samples passes, masks from seed ({@link McDropout}). */
  public record Mc(int samples, long seed) implements Serializable {}

  /**
   * Monte Carlo dropout over one block (partition part): the mean outputs (B, K), and each
   * row's uncertainty into uncertainty (B).
   */
  public static float[] probabilities(MlpSpec spec, Weights w, Block b, Mc mc, int part,
      float[] uncertainty) {
    int k = spec.outputs();
    Mlp mlp = new Mlp(spec, CHUNK);
    McDropout sampler = new McDropout(mlp, mc.samples(), mc.seed());
    int f = b.features();
    float[] res = new float[b.rows() * k];
    float[] xb = new float[CHUNK * f];
    float[] mean = new float[CHUNK * k];
    float[] u = new float[CHUNK];
    for (int start = 0; start < b.rows(); start += CHUNK) {
      int m = Math.min(CHUNK, b.rows() - start);
      b.copyRows(start, m, xb, 0);
      sampler.predict(w.params(), w.state(), xb, m, ((long) part << 32) + start, mean, u);
      System.arraycopy(mean, 0, res, start * k, m * k);
      System.arraycopy(u, 0, uncertainty, start, m);
    }
    return res;
  }

  /** The model's activated outputs (probabilities or values), (B, K), for one block. */
  public static float[] probabilities(MlpSpec spec, Weights w, Block b) {
    int k = spec.outputs();
    Mlp mlp = new Mlp(spec, CHUNK);
    int f = b.features();
    float[] res = new float[b.rows() * k];
    float[] xb = new float[CHUNK * f];
    float[] probs = new float[CHUNK * k];
    for (int start = 0; start < b.rows(); start += CHUNK) {
      int m = Math.min(CHUNK, b.rows() - start);
      b.copyRows(start, m, xb, 0);
      mlp.predict(w.params(), w.state(), xb, m, probs);
      System.arraycopy(probs, 0, res, start * k, m * k);
    }
    return res;
  }

  /** Values per row of a prediction: 1 (the class), K values or K label decisions. */
  public static int predictionWidth(MlpSpec spec) {
    return spec.task() == Task.CLASSIFICATION ? 1 : spec.outputs();
  }

  /**
   * The predictions of rows rows of activated outputs probs (B, K), {@link #predictionWidth}
   * per row: the class (K = 1: the output at or above 0.5), the values, or 1/0 per label at or
   * above threshold.
   */
  public static float[] decide(MlpSpec spec, float[] probs, int rows, float threshold) {
    int k = spec.outputs();
    return switch (spec.task()) {
      case CLASSIFICATION -> {
        float[] c = new float[rows];
        for (int r = 0; r < rows; r++) {
          c[r] = classOf(probs, r, k);
        }
        yield c;
      }
      case REGRESSION -> probs;
      case MULTILABEL -> {
        float[] d = new float[rows * k];
        for (int i = 0; i < rows * k; i++) {
          d[i] = probs[i] >= threshold ? 1 : 0;
        }
        yield d;
      }
    };
  }

  /** The predicted class of row r of K activated outputs. */
  public static int classOf(float[] out, int r, int k) {
    return k == 1 ? (out[r] >= 0.5f ? 1 : 0) : SoftmaxCrossEntropy.argmax(out, r * k, k);
  }

  /**
   * Appends row r of predictions pred ({@link #decide}) as a line: the class ("3"), the values
   * comma-separated in Java's shortest round-trip form ("0.25,1.5"), or the indices of the
   * predicted labels comma-separated ("1,4"; an empty line for none), as LibSVM lists labels.
   */
  public static void line(Task task, float[] pred, int r, int w, StringBuilder b) {
    row(task, pred, r * w, w, b);
    b.append('\n');
  }

  /** The prediction of w values at pred[off, off + w) (a class: one value). */
  private static void row(Task task, float[] pred, int off, int w, StringBuilder b) {
    switch (task) {
      case CLASSIFICATION -> b.append((int) pred[off]);
      case REGRESSION -> {
        for (int j = 0; j < w; j++) {
          b.append(j == 0 ? "" : ",").append(pred[off + j]);
        }
      }
      case MULTILABEL -> {
        boolean first = true;
        for (int j = 0; j < w; j++) {
          if (pred[off + j] != 0) {
            b.append(first ? "" : ",").append(j);
            first = false;
          }
        }
      }
      default -> throw new IllegalStateException(task.name());
    }
  }

  /**
   * Predictions of data (blocks in input order), computed by one parallel job and kept on the
   * executors ({@link #predictionWidth} floats per row, then the uncertainty with Monte Carlo
   * dropout); {@link #lines} fetches them one partition at a time, so the driver never holds
   * them all. Close to release them.
   */
  public static final class Predictions implements AutoCloseable {
    private final Broadcast<Weights> bc;
    private final JavaRDD<float[]> rdd;
    private final long rows;
    private final Task task;
    private final int width;
    private final boolean mc;

    Predictions(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec, float[] p, float[] s,
        float threshold, Mc mcDropout) {
      bc = sc.broadcast(new Weights(p, s));
      Broadcast<Weights> b = bc;
      task = spec.task();
      width = predictionWidth(spec);
      mc = mcDropout != null;
      int w = width;
      rdd = data.mapPartitionsWithIndex((part, it) -> {
        List<float[]> out = new ArrayList<>();
        while (it.hasNext()) {
          Block block = it.next();
          if (mcDropout == null) {
            out.add(decide(spec, probabilities(spec, b.value(), block), block.rows(),
                threshold));
            continue;
          }
          float[] u = new float[block.rows()];
          float[] d = decide(spec, probabilities(spec, b.value(), block, mcDropout, part, u),
              block.rows(), threshold);
          float[] withU = new float[block.rows() * (w + 1)];
          for (int r = 0; r < block.rows(); r++) {
            System.arraycopy(d, r * w, withU, r * (w + 1), w);
            withU[r * (w + 1) + w] = u[r];
          }
          out.add(withU);
        }
        return out.iterator();
      }, true).setName("predictions");
      rdd.persist(StorageLevel.MEMORY_AND_DISK());
      int stride = w + (mc ? 1 : 0);
      rows = rdd.map(a -> (long) a.length / stride).fold(0L, Long::sum);
    }

    public long rows() {
      return rows;
    }

    /**
     * One prediction per line, in input order ({@link Evaluator#line}); with Monte Carlo
     * dropout followed by a tab and the row's uncertainty.
     */
    public Fs.Content lines() {
      return out -> {
        Writer w = new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16),
            StandardCharsets.US_ASCII);
        Iterator<float[]> it = rdd.toLocalIterator();
        StringBuilder b = new StringBuilder();
        int stride = width + (mc ? 1 : 0);
        while (it.hasNext()) {
          float[] pred = it.next();
          for (int r = 0; r < pred.length / stride; r++) {
            b.setLength(0);
            if (mc) {
              row(task, pred, r * stride, width, b);
              b.append('\t').append(pred[r * stride + width]).append('\n');
            } else {
              line(task, pred, r, width, b);
            }
            w.append(b);
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

  /** See {@link Predictions}; threshold decides multi-label predictions. */
  public static Predictions predictions(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s, float threshold) {
    return new Predictions(sc, data, spec, p, s, threshold, null);
  }

  /** As above with Monte Carlo dropout (mc null: plain). */
  public static Predictions predictions(JavaSparkContext sc, JavaRDD<Block> data, MlpSpec spec,
      float[] p, float[] s, float threshold, Mc mc) {
    return new Predictions(sc, data, spec, p, s, threshold, mc);
  }
}
