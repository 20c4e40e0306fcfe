package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * Identity output + squared error for regression. Per row L = ½ Σ_k (z_k − t_k)² (the seeds'
 * E = ½ Σ (y − d)²); ∂L/∂z = z − t. The mean squared error per element is 2·L/K.
 */
public final class MeanSquaredError implements Loss {
  @Override
  public double lossAndGrad(float[] out, float[] targets, float[] dOut, int batch, int k) {
    int n = batch * k;
    double total = 0;
    for (int i = 0; i < n; i++) {
      float d = out[i] - targets[i];
      dOut[i] = d;
      total += 0.5 * d * d;
    }
    return total;
  }

  @Override
  public double loss(float[] out, float[] targets, int batch, int k) {
    int n = batch * k;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double d = out[i] - targets[i];
      total += 0.5 * d * d;
    }
    return total;
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
