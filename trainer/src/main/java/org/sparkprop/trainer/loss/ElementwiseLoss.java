package org.sparkprop.trainer.loss;

/**
 * A loss that is a sum over output elements, each depending only on its own output z and
 * target t (squared error, binary cross-entropy): the batch loops are written once here; an
 * implementation gives the element's loss and its derivative ∂L/∂z. out, targets, dOut: (B, K).
 */
interface ElementwiseLoss extends Loss {
  /** The loss of one element. */
  double elementLoss(float z, float t);

  /** ∂(element loss)/∂z. */
  float elementGrad(float z, float t);

  @Override
  default double lossAndGrad(float[] out, float[] targets, float[] dOut, int batch, int k) {
    int n = batch * k;
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += elementLoss(out[i], targets[i]);
      dOut[i] = elementGrad(out[i], targets[i]);
    }
    return total;
  }

  @Override
  default double loss(float[] out, float[] targets, int batch, int k) {
    int n = batch * k;
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += elementLoss(out[i], targets[i]);
    }
    return total;
  }
}
