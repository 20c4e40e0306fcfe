package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * Sigmoid outputs with squared error, as the lecture notes first derive backpropagation: per
 * element y = σ(z), L = ½ (y − t)², ∂L/∂z = (y − t)·y·(1 − y). Unlike sigmoid + cross-entropy
 * the gradient vanishes where the sigmoid saturates, which is why the fused BCE is the usual
 * choice; this pair is here for the notes' derivations and for targets in [0, 1].
 */
public final class SigmoidSquaredError implements SigmoidOutputs {
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
  public String name() {
    return "sigmoid_mse";
  }
}
