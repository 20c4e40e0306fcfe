package org.sparkprop.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.TableSource;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.model.Mlp;
import org.sparkprop.trainer.model.MlpSpec;

/**
 * Scoring on the executors, in batches: each partition's rows go through the network 512 at
 * a time (one matrix product per layer, buffers allocated once per partition), and every
 * input column is kept. The columns added are, for a classifier, the raw outputs, the class
 * probabilities and the predicted class; for a regressor, the predicted values.
 *
 * <p>A classifier's raw prediction is the output layer before its activation (for one
 * sigmoid output z: [−z, z], as Spark's logistic regression gives); its probability is the
 * softmax, or for sigmoid or identity outputs their values (clamped at 0) normalised to sum 1
 * (one sigmoid output p: [1 − p, p]). Its prediction is the command line's class (the largest
 * output; one output: p ≥ ½) or, with thresholds t, the class with the largest p_c / t_c, as
 * Spark's probabilistic classifiers decide. A multi-label model adds each label's probability
 * and the labels predicted (1 where the probability reaches the threshold, else 0), both as
 * vectors.
 */
final class Scoring {
  private static final int CHUNK = 512;

  /** What a model predicts: a class, real values, or a set of labels. */
  enum Kind { CLASSES, VALUES, LABELS }

  /**
   * The output columns ("" or null: not added), what they hold, a classifier's thresholds (or
   * null) and the probability from which a label is predicted.
   */
  record Columns(String raw, String probability, String prediction, double[] thresholds,
      Kind kind, double threshold) implements Serializable {}

  private final Model model;
  private final String owner;

  private Scoring(Model model, String owner) {
    this.model = model;
    this.owner = owner;
  }

  /**
   * ds with cols added, each as withAdded (the stage's transformSchema) describes it; the
   * model reaches the executors as one broadcast, not inside every task.
   */
  static Dataset<Row> transform(Model model, String owner, Dataset<?> ds, String featuresCol,
      Columns cols, StructType withAdded) {
    Dataset<Row> df = ds.toDF();
    StructType out = Schemas.added(df.schema(), withAdded, cols);
    int fi = df.schema().fieldIndex(featuresCol);
    Broadcast<Model> bc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext())
        .broadcast(model);
    JavaRDD<Row> rows = df.javaRDD().mapPartitions(it -> new Scoring(bc.value(), owner)
        .new Batches(it, fi, cols));
    return df.sparkSession().createDataFrame(rows, out);
  }

  /** Whether name is an output column that is added. */
  static boolean on(String name) {
    return name != null && !name.isEmpty();
  }

  /** A partition's output rows, scored a batch at a time. */
  private final class Batches implements Iterator<Row> {
    private final Iterator<Row> in;
    private final int featuresIndex;
    private final Columns cols;
    private final MlpSpec spec = model.spec();
    private final Mlp mlp;
    private final Activation output;
    private final int f;
    private final int k;
    private final float[] x;
    private final float[] raw;
    private final float[] probs;
    private final Row[] batch = new Row[CHUNK];
    private int size;
    private int next;
    private long seen;

    Batches(Iterator<Row> in, int featuresIndex, Columns cols) {
      this.in = in;
      this.featuresIndex = featuresIndex;
      this.cols = cols;
      this.mlp = new Mlp(spec, CHUNK);
      this.output = mlp.loss().outputActivation();
      this.f = spec.inputs();
      this.k = spec.outputs();
      this.x = new float[CHUNK * f];
      this.raw = new float[CHUNK * k];
      this.probs = new float[CHUNK * k];
    }

    @Override
    public boolean hasNext() {
      if (next < size) {
        return true;
      }
      fill();
      return size > 0;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return row(next++);
    }

    private void fill() {
      size = 0;
      next = 0;
      while (size < CHUNK && in.hasNext()) {
        Row r = in.next();
        features(r.get(featuresIndex), size);
        batch[size++] = r;
      }
      if (size == 0) {
        return;
      }
      model.normalizer().apply(x, size);
      float[] out = mlp.forward(model.params(), model.state(), x, size, false);
      System.arraycopy(out, 0, raw, 0, size * k);
      output.forward(raw, probs, size, k);
    }

    private void features(Object o, int row) {
      long at = seen++;
      if (!(o instanceof Vector v)) {
        throw new IllegalArgumentException(owner + ": row " + at + " of its partition: "
            + "features are " + (o == null ? "null" : o.getClass().getSimpleName())
            + ", expected a vector of " + f);
      }
      if (v.size() != f) {
        throw new IllegalArgumentException(owner + ": row " + at + " of its partition: a "
            + "features vector of size " + v.size() + ", the model takes " + f);
      }
      TableSource.copy(v, x, row * f);
    }

    private Row row(int r) {
      Row in = batch[r];
      batch[r] = null;
      List<Object> values = new ArrayList<>(in.size() + 3);
      for (int i = 0; i < in.size(); i++) {
        values.add(in.get(i));
      }
      if (cols.kind() == Kind.LABELS) {
        double[] p = new double[k];
        double[] d = new double[k];
        for (int j = 0; j < k; j++) {
          p[j] = probs[r * k + j];
          d[j] = p[j] >= cols.threshold() ? 1 : 0;
        }
        if (on(cols.probability())) {
          values.add(new DenseVector(p));
        }
        if (on(cols.prediction())) {
          values.add(new DenseVector(d));
        }
      } else if (cols.kind() == Kind.CLASSES) {
        double[] p = probability(r);
        if (on(cols.raw())) {
          values.add(new DenseVector(rawPrediction(r)));
        }
        if (on(cols.probability())) {
          values.add(new DenseVector(p));
        }
        if (on(cols.prediction())) {
          values.add(cols.thresholds() == null ? (double) Evaluator.classOf(probs, r, k)
              : argmaxScaled(p, cols.thresholds()));
        }
      } else if (on(cols.prediction())) {
        if (k == 1) {
          values.add((double) probs[r]);
        } else {
          double[] v = new double[k];
          for (int j = 0; j < k; j++) {
            v[j] = probs[r * k + j];
          }
          values.add(new DenseVector(v));
        }
      }
      return RowFactory.create(values.toArray());
    }

    private double[] rawPrediction(int r) {
      if (k == 1) {
        return new double[] {-raw[r], raw[r]};
      }
      double[] v = new double[k];
      for (int j = 0; j < k; j++) {
        v[j] = raw[r * k + j];
      }
      return v;
    }

    private double[] probability(int r) {
      return Scoring.probability(probs, r, k);
    }
  }

  /** Row r's class probabilities from K activated outputs (see the class comment). */
  static double[] probability(float[] probs, int r, int k) {
    if (k == 1) {
      return new double[] {1 - probs[r], probs[r]};
    }
    double[] v = new double[k];
    double sum = 0;
    for (int j = 0; j < k; j++) {
      v[j] = Math.max(0, probs[r * k + j]);
      sum += v[j];
    }
    for (int j = 0; j < k; j++) {
      v[j] = sum > 0 ? v[j] / sum : 1.0 / k;
    }
    return v;
  }

  /** The class with the largest p_c / t_c (t_c = 0: that class wins), Spark's rule. */
  static double argmaxScaled(double[] p, double[] t) {
    int best = 0;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < p.length; c++) {
      double s = t[c] == 0 ? Double.POSITIVE_INFINITY : p[c] / t[c];
      if (s > bestValue) {
        best = c;
        bestValue = s;
      }
    }
    return best;
  }
}
