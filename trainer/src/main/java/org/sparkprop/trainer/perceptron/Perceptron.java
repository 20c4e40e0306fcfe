package org.sparkprop.trainer.perceptron;

import org.sparkprop.trainer.data.Dataset;
import org.sparkprop.trainer.rng.Rng;
import org.sparkprop.trainer.rng.Seeds;

/**
 * Rosenblatt's perceptron learning rule for one layer of binary step units (the seeds'
 * first learning algorithm): for each example in a seeded random order, for each output unit
 * with target d ∈ {0, 1} and prediction y = step(w·x + w0): w ← w + η(d − y)x, w0 ← w0 + η(d − y).
 * Converges on linearly separable data (Novikoff); stops after an epoch without a mistake.
 *
 * <p>F = features, K = outputs. Weights (F, K) row-major, biases (K). Targets (N, K) of 0/1.
 */
public final class Perceptron {
  private final int features;
  private final int outputs;
  private final float[] w;
  private final float[] b;

  public Perceptron(int features, int outputs) {
    this.features = features;
    this.outputs = outputs;
    this.w = new float[features * outputs];
    this.b = new float[outputs];
  }

  /** Trains for at most maxEpochs; returns the number of epochs run (stops at zero errors). */
  public int train(Dataset d, float eta, int maxEpochs, long seed) {
    if (d.features() != features || d.targetWidth() != outputs) {
      throw new IllegalArgumentException("data is " + d.features() + "→" + d.targetWidth()
          + ", the perceptron " + features + "→" + outputs);
    }
    int n = d.rows();
    int[] order = new int[n];
    Rng rng = new Rng(0);
    for (int epoch = 1; epoch <= maxEpochs; epoch++) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      rng.reseed(Seeds.derive(seed, Seeds.Purpose.SHUFFLE, epoch, 0));
      rng.shuffle(order, n);
      int errors = 0;
      for (int oi = 0; oi < n; oi++) {
        int r = order[oi];
        for (int k = 0; k < outputs; k++) {
          float err = d.y()[r * outputs + k] - predict(d.x(), r * features, k);
          if (err != 0) {
            errors++;
            for (int f = 0; f < features; f++) {
              w[f * outputs + k] += eta * err * d.x()[r * features + f];
            }
            b[k] += eta * err;
          }
        }
      }
      if (errors == 0) {
        return epoch;
      }
    }
    return maxEpochs;
  }

  /** The weights (F, K) row-major: the layout of a dense layer's W (a copy). */
  public float[] weights() {
    return w.clone();
  }

  /** The biases (K), a copy. */
  public float[] biases() {
    return b.clone();
  }

  /** step(w·x + w0) of output k for the row at x[off, off+F). */
  public float predict(float[] x, int off, int k) {
    double s = b[k];
    for (int f = 0; f < features; f++) {
      s += (double) w[f * outputs + k] * x[off + f];
    }
    return s >= 0 ? 1f : 0f;
  }

  /** Fraction of (row, output) predictions equal to the targets. */
  public double accuracy(Dataset d) {
    long ok = 0;
    for (int r = 0; r < d.rows(); r++) {
      for (int k = 0; k < outputs; k++) {
        if (predict(d.x(), r * features, k) == d.y()[r * outputs + k]) {
          ok++;
        }
      }
    }
    return (double) ok / ((long) d.rows() * outputs);
  }
}
