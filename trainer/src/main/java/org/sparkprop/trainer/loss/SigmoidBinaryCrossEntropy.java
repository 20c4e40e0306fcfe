package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * One sigmoid per output + binary cross-entropy, fused (binary with K = 1, multi-label with
 * K &gt; 1). Per element L = max(z,0) − z·t + log(1 + e^(−|z|)) (stable), ∂L/∂z = σ(z) − t.
 * Targets: K values in [0, 1] per row.
 */
public final class SigmoidBinaryCrossEntropy implements SigmoidOutputs {
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
  public String name() {
    return "sigmoid_bce";
  }
}
