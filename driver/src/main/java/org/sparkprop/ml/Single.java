package org.sparkprop.ml;

import org.apache.spark.ml.linalg.Vector;
import org.sparkprop.trainer.activation.Activation;
import org.sparkprop.trainer.io.Model;
import org.sparkprop.trainer.model.Mlp;

/**
 * One row at a time through a model, for Spark ML's per-row methods ({@code predictRaw},
 * {@code predict}); DataFrames go through {@link Scoring} in batches. Not thread-safe: the
 * models synchronise on it.
 */
final class Single {
  private final Model model;
  private final Mlp mlp;
  private final Activation output;
  private final float[] x;
  private final float[] out;

  Single(Model model) {
    this.model = model;
    this.mlp = new Mlp(model.spec(), 1);
    this.output = mlp.loss().outputActivation();
    this.x = new float[model.spec().inputs()];
    this.out = new float[model.spec().outputs()];
  }

  /** The output layer before its activation for features v (one sigmoid z: [−z, z]). */
  synchronized double[] raw(Vector v) {
    if (v.size() != x.length) {
      throw new IllegalArgumentException("a features vector of size " + v.size() + ", the "
          + "model takes " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) v.apply(i);
    }
    model.normalizer().apply(x, 1);
    float[] r = mlp.forward(model.params(), model.state(), x, 1, false);
    int k = out.length;
    if (k == 1) {
      return new double[] {-r[0], r[0]};
    }
    double[] d = new double[k];
    for (int j = 0; j < k; j++) {
      d[j] = r[j];
    }
    return d;
  }

  /** The activated outputs (values, probabilities) for features v. */
  synchronized float[] outputs(Vector v) {
    double[] r = raw(v);
    int k = out.length;
    float[] z = new float[k];
    for (int j = 0; j < k; j++) {
      z[j] = (float) (k == 1 ? r[1] : r[j]);
    }
    float[] o = new float[k];
    output.forward(z, o, 1, k);
    return o;
  }

  /** Class probabilities from a raw prediction (see {@link Scoring}). */
  synchronized double[] probability(double[] raw) {
    int k = out.length;
    float[] z = new float[k];
    for (int j = 0; j < k; j++) {
      z[j] = (float) (k == 1 ? raw[1] : raw[j]);
    }
    output.forward(z, out, 1, k);
    return Scoring.probability(out, 0, k);
  }
}
