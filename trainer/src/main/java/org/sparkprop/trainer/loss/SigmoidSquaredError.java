package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * Sigmoid outputs with squared error, as the lecture notes first derive backpropagation: per
 * element y = σ(z), L = ½ (y − t)², ∂L/∂z = (y − t)·y·(1 − y). Unlike sigmoid + cross-entropy
 * the gradient vanishes where the sigmoid saturates, which is why the fused BCE is the usual
 * choice; this pair is here for the notes' derivations and for targets in [0, 1].
 */
public final class SigmoidSquaredError implements ElementwiseLoss {
  @Override
  public double elementLoss(float z, float t) {
    double d = Activation.logistic(z) - t;
    return 0.5 * d * d;
  }

  @Override
  public float elementGrad(float z, float t) {
    float y = Activation.logistic(z);
    return (y - t) * y * (1 - y);
  }

  @Override
  public Activation outputActivation() {
    return Activation.SIGMOID;
  }

  @Override
  public long correct(float[] out, float[] targets, int batch, int k) {
    long c = 0;
    for (int i = 0; i < batch * k; i++) {
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
            + ": target " + targets[i] + " is not in [0, 1] (sigmoid outputs)");
      }
    }
  }

  @Override
  public String name() {
    return "sigmoid_mse";
  }
}
