package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * Identity output + squared error for regression. Per row L = ½ Σ_k (z_k − t_k)² (the seeds'
 * E = ½ Σ (y − d)²); ∂L/∂z = z − t. The mean squared error per element is 2·L/K.
 */
public final class MeanSquaredError implements ElementwiseLoss {
  @Override
  public double elementLoss(float z, float t) {
    double d = z - t;
    return 0.5 * d * d;
  }

  @Override
  public float elementGrad(float z, float t) {
    return z - t;
  }

  @Override
  public Activation outputActivation() {
    return Activation.IDENTITY;
  }

  @Override
  public long correct(float[] out, float[] targets, int batch, int k) {
    return 0;
  }

  @Override
  public int predictionsPerRow(int k) {
    return 0;
  }

  @Override
  public void validateTargets(float[] targets, int rows, int k) {
    for (int i = 0; i < rows * k; i++) {
      if (!Float.isFinite(targets[i])) {
        throw new IllegalArgumentException("row " + (i / k) + ": target is " + targets[i]);
      }
    }
  }

  @Override
  public String name() {
    return "mse";
  }
}
