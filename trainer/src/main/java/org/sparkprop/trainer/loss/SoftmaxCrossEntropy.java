package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * Softmax + categorical cross-entropy, fused: per row L = logsumexp(z) − z_y (stable for any
 * logits: the max is subtracted before exponentiating), ∂L/∂z = softmax(z) − onehot(y).
 * Targets: one class index per row, in [0, K).
 */
public final class SoftmaxCrossEntropy implements Loss {
  @Override
  public double lossAndGrad(float[] out, float[] targets, float[] dOut, int batch, int k) {
    double total = 0;
    for (int r = 0; r < batch; r++) {
      int o = r * k;
      int label = (int) targets[r];
      // dOut = softmax(z) − onehot(y); the loss is logsumexp(z) − z_y.
      total += Activation.softmaxRow(out, dOut, o, k) - out[o + label];
      dOut[o + label] -= 1f;
    }
    return total;
  }

  @Override
  public double loss(float[] out, float[] targets, int batch, int k) {
    double total = 0;
    for (int r = 0; r < batch; r++) {
      total += logSumExp(out, r * k, k) - out[r * k + (int) targets[r]];
    }
    return total;
  }

  /** log Σ_j e^(x_j) over x[o, o+k), with the max subtracted for stability. */
  static double logSumExp(float[] x, int o, int k) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, x[o + j]);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += Math.exp(x[o + j] - max);
    }
    return Math.log(sum) + max;
  }

  @Override
  public Activation outputActivation() {
    return Activation.SOFTMAX;
  }

  @Override
  public int targetWidth(int k) {
    return 1;
  }

  @Override
  public long correct(float[] out, float[] targets, int batch, int k) {
    long c = 0;
    for (int r = 0; r < batch; r++) {
      if (argmax(out, r * k, k) == (int) targets[r]) {
        c++;
      }
    }
    return c;
  }

  /** Index of the largest of x[off, off+k); the first on ties. */
  public static int argmax(float[] x, int off, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (x[off + j] > x[off + best]) {
        best = j;
      }
    }
    return best;
  }

  @Override
  public int predictionsPerRow(int k) {
    return 1;
  }

  @Override
  public void validateTargets(float[] targets, int rows, int k) {
    for (int r = 0; r < rows; r++) {
      float t = targets[r];
      if (!(t >= 0 && t < k) || t != Math.rint(t)) {
        throw new IllegalArgumentException("row " + r + ": class label " + t
            + " is not an integer in [0, " + k + ")");
      }
    }
  }

  @Override
  public String name() {
    return "softmax_ce";
  }
}
