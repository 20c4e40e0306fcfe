package org.sparkprop.trainer.loss;

import org.sparkprop.trainer.activation.Activation;

/**
 * An elementwise loss over one sigmoid per output (binary cross-entropy, squared error): the
 * output activation, the decisions (σ(z) ≥ ½ exactly when z ≥ 0) and the target check (K
 * values in [0, 1] per row) are the same for both.
 */
interface SigmoidOutputs extends ElementwiseLoss {
  @Override
  default Activation outputActivation() {
    return Activation.SIGMOID;
  }

  @Override
  default long correct(float[] out, float[] targets, int batch, int k) {
    long c = 0;
    int n = batch * k;
    for (int i = 0; i < n; i++) {
      if ((out[i] >= 0) == (targets[i] >= 0.5f)) {
        c++;
      }
    }
    return c;
  }

  @Override
  default int predictionsPerRow(int k) {
    return k;
  }

  @Override
  default void validateTargets(float[] targets, int rows, int k) {
    for (int i = 0; i < rows * k; i++) {
      if (!(targets[i] >= 0 && targets[i] <= 1)) {
        throw new IllegalArgumentException("row " + (i / k) + ", output " + (i % k)
            + ": target " + targets[i] + " is not in [0, 1]");
      }
    }
  }
}
