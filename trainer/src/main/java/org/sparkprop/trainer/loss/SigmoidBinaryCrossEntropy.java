package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * One sigmoid per output + binary cross-entropy, fused (binary with K = 1, multi-label with
 * K &gt; 1). Per element L = max(z,0) − z·t + log(1 + e^(−|z|)) (stable), ∂L/∂z = σ(z) − t.
 * Targets: K values in [0, 1] per row.
 */
public final class SigmoidBinaryCrossEntropy implements ElementwiseLoss {
  /** −t·log σ(z) − (1−t)·log(1−σ(z)), in the form that never overflows. */
  @Override
  public double elementLoss(float z, float t) {
    return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
  }

  @Override
  public float elementGrad(float z, float t) {
    return Activation.logistic(z) - t;
  }

  @Override
  public Activation outputActivation() {
    return Activation.SIGMOID;
  }

  @Override
  public long correct(float[] out, float[] targets, int batch, int k) {
    long c = 0;
    int n = batch * k;
    for (int i = 0; i < n; i++) {
      // σ(z) ≥ 0.5 exactly when z ≥ 0.
      if ((out[i] >= 0) == (targets[i] >= 0.5f)) {
        c++;
      }
    }
    return c;
  }

  @Override
  public int predictionsPerRow(int k) {
    return k;
  }

  @Override
  public void validateTargets(float[] targets, int rows, int k) {
    for (int i = 0; i < rows * k; i++) {
      if (!(targets[i] >= 0 && targets[i] <= 1)) {
        throw new IllegalArgumentException("row " + (i / k) + ", output " + (i % k)
            + ": target " + targets[i] + " is not in [0, 1]");
      }
    }
  }

  @Override
  public String name() {
    return "sigmoid_bce";
  }
}
